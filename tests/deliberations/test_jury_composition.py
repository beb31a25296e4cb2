"""A jury composed by the rules (issue 20 part 4): both colleges, a president, the quorum when it
is convened and when it deliberates; a member of a candidate's company kept out of that decision,
recorded and audited."""

import datetime
import html

import pytest
from django.urls import reverse

from candidates.models import CentreMembership
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import Decision, JuryRecusal, JurySession
from deliberations.services import (
    jury_decision_record,
    jury_deliberation_start,
    jury_session_create,
)

from ..factories.candidates import RegistrationFactory
from ..factories.deliberations import jury, results

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Juries deliberate while the campaign is at the jury."""


def _seat(user):
    return CentreMembership.objects.get(user=user, role="jury")


def _convene(campaign, staff, president, members):
    return jury_session_create(
        campaign=campaign,
        date=datetime.date(2027, 5, 15),
        place="Salle A",
        president=_seat(president),
        members=[_seat(m) for m in members],
        by=staff,
    )


def test_it_refuses_to_convene_a_jury_of_one_college_naming_the_rule(
    campaign, staff_a, jury_president, other_jury_member
):
    with pytest.raises(DomainError) as refused:
        _convene(campaign, staff_a, jury_president, [other_jury_member])
    assert refused.value.code == "composition"
    assert "le collège salariés n'y est pas représenté" in refused.value.message
    assert "Un jury paritaire réunit les deux collèges" in refused.value.message
    assert not JurySession.objects.exists()


def test_it_refuses_a_jury_under_the_quorum_from_the_settings(
    settings, campaign, staff_a, jury_president, jury_member, other_jury_member
):
    settings.JURY_QUORUM = 3
    with pytest.raises(DomainError, match="il ne compte que 2 membre\\(s\\) pour un quorum de 3"):
        _convene(campaign, staff_a, jury_president, [jury_member])
    session = _convene(campaign, staff_a, jury_president, [jury_member, other_jury_member])
    assert session.members.count() == 3


def test_it_refuses_to_deliberate_under_the_quorum(
    settings, campaign, staff_a, jury_president, jury_member, other_jury_member, admissible_reg
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member, other_jury_member],
        registrations=[admissible_reg],
    )
    session.members.filter(user=other_jury_member).update(present=False, signed_at=None)
    settings.JURY_QUORUM = 3
    with pytest.raises(DomainError, match="Quorum non atteint : 2 membre\\(s\\) présent\\(s\\)"):
        jury_deliberation_start(session=session, by=staff_a)
    settings.JURY_QUORUM = 2
    assert jury_deliberation_start(session=session, by=staff_a).status == "deliberating"


def _works_for(user, registration):
    CentreMembership.objects.filter(user=user, role="jury").update(company=registration.company)


def test_a_member_of_the_candidates_company_is_kept_out_of_that_decision_and_it_is_recorded(
    campaign, staff_a, jury_president, jury_member, other_jury_member
):
    registration = RegistrationFactory(campaign=campaign)
    other = RegistrationFactory(campaign=campaign)
    results(registration)
    results(other)
    _works_for(other_jury_member, registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member, other_jury_member],
        registrations=[registration, other],
    )
    session = jury_deliberation_start(session=session, by=staff_a)

    recusal = JuryRecusal.objects.get()
    assert (recusal.member.user, recusal.registration) == (other_jury_member, registration)
    assert recusal.company_name == registration.company.name
    entry = AuditEntry.objects.get(action="cqpm.jury.member.recused")
    assert entry.registration_id == registration.pk
    with pytest.raises(DomainError) as refused:
        jury_decision_record(
            session=session,
            registration=registration,
            outcome="admissible",
            expected_decision_id=None,
            by=other_jury_member,
        )
    assert refused.value.code == "conflict_of_interest"
    assert "Conflit d'intérêts" in refused.value.message
    assert registration.company.name in refused.value.message
    assert not Decision.objects.exists()
    # The others decide on them; the member decides on the candidates of other companies.
    for member, reg in ((jury_member, registration), (other_jury_member, other)):
        jury_decision_record(
            session=session,
            registration=reg,
            outcome="admissible",
            expected_decision_id=None,
            by=member,
        )
    assert Decision.objects.count() == 2
    # Recording again is idempotent: one recusal, one audit entry.
    assert JuryRecusal.objects.count() == 1
    assert AuditEntry.objects.filter(action="cqpm.jury.member.recused").count() == 1


def test_a_jury_without_a_college_once_the_member_is_kept_out_does_not_decide(
    campaign, staff_a, jury_president, jury_member
):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    _works_for(jury_member, registration)
    session = jury(
        campaign, president=jury_president, members=[jury_member], registrations=[registration]
    )
    session = jury_deliberation_start(session=session, by=staff_a)
    with pytest.raises(DomainError) as refused:
        jury_decision_record(
            session=session,
            registration=registration,
            outcome="admissible",
            expected_decision_id=None,
            by=jury_president,
        )
    assert refused.value.code == "composition"
    assert "écarté(s) pour conflit d'intérêts" in refused.value.message
    assert "règle du jury paritaire" in refused.value.message
    assert not Decision.objects.exists()


def test_the_deliberation_page_tells_the_member_kept_out_and_offers_no_form(
    client_for, campaign, staff_a, jury_president, jury_member, other_jury_member
):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    _works_for(other_jury_member, registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member, other_jury_member],
        registrations=[registration],
    )
    jury_deliberation_start(session=session, by=staff_a)
    url = reverse("deliberations:jury_deliberation", args=[session.pk])
    action = reverse("deliberations:decision_record", args=[session.pk, registration.pk])
    page = client_for(other_jury_member).get(url).content.decode()
    assert "Vous ne prenez pas part à cette décision" in html.unescape(page)
    assert action not in page
    assert action in client_for(jury_member).get(url).content.decode()
