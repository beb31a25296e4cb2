"""Commission sessions: evaluators of the centre, one session per candidate, no conflict of
interest between an evaluator and a candidate of their company."""

import datetime

import pytest
from django.urls import reverse

from candidates.models import CentreMembership
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import CommissionAssignment, CommissionSession, EvaluationDossier
from evaluations.selectors import registration_list_for_evaluator
from evaluations.services.commissions import (
    commission_assign,
    commission_session_add_evaluator,
    commission_session_create,
    commission_unassign,
)
from tests.evaluations.helpers import text
from tests.factories.accounts import UserFactory
from tests.factories.candidates import MembershipFactory, RegistrationFactory
from tests.factories.evaluations import SessionFactory, assign, dossier_for

pytestmark = pytest.mark.django_db
DATE = datetime.date(2027, 4, 10)


def _evaluator_company(evaluator, centre):
    return CentreMembership.objects.get(user=evaluator, centre=centre, role="evaluator").company


def test_it_creates_a_session_with_evaluators_of_the_centre(campaign_a, staff_a, evaluator):
    session = commission_session_create(
        campaign=campaign_a, date=DATE, place="Lyon", evaluators=[evaluator], by=staff_a
    )
    assert list(session.evaluators.all()) == [evaluator]
    assert AuditEntry.objects.filter(action="cqpm.commission.session.created").count() == 1


def test_it_refuses_an_evaluator_of_another_centre(campaign_a, staff_a, centre_b):
    stranger = MembershipFactory(centre=centre_b, role="evaluator").user
    with pytest.raises(DomainError) as exc:
        commission_session_create(
            campaign=campaign_a, date=DATE, place="Lyon", evaluators=[stranger], by=staff_a
        )
    assert "n'est pas évaluateur de ce centre d'examen" in exc.value.message
    assert not CommissionSession.objects.exists()


def test_it_refuses_staff_of_another_centre(campaign_a, staff_b):
    with pytest.raises(DomainError):
        commission_session_create(campaign=campaign_a, date=DATE, place="Lyon", by=staff_b)
    assert not CommissionSession.objects.exists()


def test_it_refuses_assigning_a_candidate_of_an_evaluators_company(
    campaign_a, centre_a, staff_a, evaluator
):
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    colleague = RegistrationFactory(
        campaign=campaign_a, company=_evaluator_company(evaluator, centre_a)
    )
    with pytest.raises(DomainError) as exc:
        commission_assign(session=session, registration=colleague, by=staff_a)
    assert exc.value.message.startswith("Conflit d'intérêts : ")
    assert "Entreprise de l'évaluateur" in exc.value.message
    assert str(colleague.candidate) in exc.value.message
    assert not CommissionAssignment.objects.exists()


def test_it_refuses_seating_an_evaluator_facing_a_candidate_of_their_company(
    campaign_a, centre_a, staff_a, evaluator
):
    session = SessionFactory(campaign=campaign_a)
    colleague = RegistrationFactory(
        campaign=campaign_a, company=_evaluator_company(evaluator, centre_a)
    )
    assign(session, colleague)
    with pytest.raises(DomainError) as exc:
        commission_session_add_evaluator(session=session, evaluator=evaluator, by=staff_a)
    assert "Conflit d'intérêts" in exc.value.message
    assert not session.evaluators.exists()


def test_it_assigns_once_per_registration(campaign_a, staff_a, registration_a):
    first = SessionFactory(campaign=campaign_a)
    second = SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20))
    commission_assign(session=first, registration=registration_a, by=staff_a)
    with pytest.raises(DomainError) as exc:
        commission_assign(session=second, registration=registration_a, by=staff_a)
    assert exc.value.message == "Ce candidat est déjà affecté à la commission du 10/04/2027."
    assert CommissionAssignment.objects.get().session == first
    entry = AuditEntry.objects.get(action="cqpm.commission.assignment.created")
    assert entry.registration_id == registration_a.pk


def test_it_refuses_a_candidate_of_another_campaign(campaign_a, staff_a, registration_b):
    session = SessionFactory(campaign=campaign_a)
    with pytest.raises(DomainError):
        commission_assign(session=session, registration=registration_b, by=staff_a)
    assert not CommissionAssignment.objects.exists()


def test_it_unassigns_and_records_it(campaign_a, staff_a, registration_a):
    session = SessionFactory(campaign=campaign_a)
    assignment = commission_assign(session=session, registration=registration_a, by=staff_a)
    commission_unassign(assignment=assignment, by=staff_a)
    assert not CommissionAssignment.objects.exists()
    assert AuditEntry.objects.filter(
        action="cqpm.commission.assignment.deleted", registration_id=registration_a.pk
    ).exists()


def test_it_selects_only_the_evaluators_own_sessions(campaign_a, evaluator, registration_a):
    other_evaluator = MembershipFactory(centre=campaign_a.centre, role="evaluator").user
    mine = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    theirs = SessionFactory(campaign=campaign_a, evaluators=[other_evaluator])
    other = RegistrationFactory(campaign=campaign_a)
    assign(mine, registration_a)
    assign(theirs, other)
    assert list(registration_list_for_evaluator(user=evaluator)) == [registration_a]
    assert list(registration_list_for_evaluator(user=UserFactory())) == []


def test_the_evaluator_home_searches_without_accents_and_sorts(client_for, campaign_a, evaluator):
    early = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    late = SessionFactory(
        campaign=campaign_a,
        evaluators=[evaluator],
        date=early.date + datetime.timedelta(days=3),
    )
    zoe = RegistrationFactory(
        campaign=campaign_a, candidate__last_name="Zébulon", candidate__first_name="Hélène"
    )
    abel = RegistrationFactory(
        campaign=campaign_a, candidate__last_name="Abel", candidate__first_name="Marc"
    )
    assign(early, zoe)
    assign(late, abel)
    client = client_for(evaluator)
    url = reverse("evaluations:evaluator_home")

    def names(**query) -> list[str]:
        """The two candidates' names in the order the page lists them."""
        page = client.get(url, query).content.decode()
        return [
            n for _at, n in sorted((page.index(n), n) for n in ("ZÉBULON", "ABEL") if n in page)
        ]

    assert names() == ["ZÉBULON", "ABEL"]  # by commission date
    assert names(tri="name") == ["ABEL", "ZÉBULON"]
    assert names(tri="-name") == ["ZÉBULON", "ABEL"]
    assert names(q="helene zebulon") == ["ZÉBULON"]
    assert client.get(url, {"tri": "nimporte", "q": "x\x00" * 300}).status_code == 200


# --- Pages ---------------------------------------------------------------------------------------


def test_it_creates_a_session_and_assigns_through_the_pages(
    client_for, staff_a, campaign_a, evaluator, registration_a
):
    client = client_for(staff_a)
    response = client.post(
        reverse("evaluations:campaign_commissions", args=[campaign_a.pk]),
        {
            "date": "2027-04-10",
            "start_time": "14:30",
            "place": "Lyon",
            "evaluators": [evaluator.pk],
        },
        follow=True,
    )
    assert "La commission est créée." in text(response)
    session = CommissionSession.objects.get()
    assert session.start_time == datetime.time(14, 30)  # the convocation's hour
    url = reverse("evaluations:session_assign", args=[campaign_a.pk, session.pk])
    form = {"ids": [registration_a.pk], "session": session.pk}
    confirm = text(client.post(url, form))
    assert "aucun dossier d'évaluation" in confirm  # a candidate without a dossier is named
    assert not CommissionAssignment.objects.exists()  # not confirmed: nothing changed
    dossier_for(registration_a, status=EvaluationDossier.Status.APPROVED)
    response = client.post(url, {**form, "confirm": "1"}, follow=True)
    assert "1 candidat est affecté à cette commission." in text(response)
    assert CommissionAssignment.objects.get().registration == registration_a


def test_it_shows_the_conflict_on_the_session_page(
    client_for, staff_a, campaign_a, centre_a, evaluator
):
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    colleague = RegistrationFactory(
        campaign=campaign_a, company=_evaluator_company(evaluator, centre_a)
    )
    dossier_for(colleague, status=EvaluationDossier.Status.APPROVED)
    response = client_for(staff_a).post(
        reverse("evaluations:session_assign", args=[campaign_a.pk, session.pk]),
        {"ids": [colleague.pk], "session": session.pk, "confirm": "1"},
        follow=True,
    )
    assert "conflit d'intérêts, " in text(response)
    assert not CommissionAssignment.objects.exists()


def test_it_shows_the_evaluator_their_candidates(client_for, evaluator, campaign_a, registration_a):
    other = RegistrationFactory(campaign=campaign_a)
    assign(SessionFactory(campaign=campaign_a, evaluators=[evaluator]), registration_a)
    body = text(client_for(evaluator).get(reverse("evaluations:evaluator_home")))
    assert str(registration_a.candidate) in body
    assert str(other.candidate) not in body
