"""Who reaches the jury pages (404 for anyone outside), « Mes jurys », constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberations.models import CapacityResult, Decision, JuryCandidate, JurySession, ResultSheet
from deliberations.nav import items as nav_items
from deliberations.selectors import deliberation_rows

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import jury, results


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate and close while the campaign is at the jury (lifecycle.py)."""


pytestmark = pytest.mark.django_db

OUTSIDERS = ["staff_b", "outsider", "tutor", "evaluator", "other_jury_member", "reviewer"]


@pytest.fixture
def session(campaign, jury_president, jury_member):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    return jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=[registration],
    )


def _urls(session):
    registration = session.candidates.get().registration
    member = session.members.first()
    candidate = session.candidates.get()
    decision = Decision.objects.create(
        session=session,
        registration=registration,
        outcome="admissible",
        proposed="admissible",
        recorded_by=member.user,
    )
    pk = session.pk
    return [
        ("get", reverse("deliberations:campaign_juries", args=[session.campaign_id])),
        ("post", reverse("deliberations:campaign_juries", args=[session.campaign_id])),
        ("get", reverse("deliberations:jury_detail", args=[pk])),
        ("post", reverse("deliberations:jury_member_add", args=[pk])),
        ("post", reverse("deliberations:jury_member_remove", args=[pk, member.pk])),
        ("get", reverse("deliberations:jury_candidates", args=[pk])),
        ("post", reverse("deliberations:jury_candidates", args=[pk])),
        ("post", reverse("deliberations:jury_candidate_remove", args=[pk, candidate.pk])),
        ("post", reverse("deliberations:jury_attendance", args=[pk])),
        ("post", reverse("deliberations:jury_start", args=[pk])),
        ("get", reverse("deliberations:jury_deliberation", args=[pk])),
        ("post", reverse("deliberations:decision_record", args=[pk, registration.pk])),
        ("post", reverse("deliberations:jury_close", args=[pk])),
        ("get", reverse("deliberations:decision_amend", args=[decision.pk])),
        ("post", reverse("deliberations:decision_amend", args=[decision.pk])),
    ]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_answers_404_on_every_jury_page_to_outsiders(request, client_for, session, persona):
    client = client_for(request.getfixturevalue(persona))
    for method, url in _urls(session):
        response = getattr(client, method)(url, {"outcome": "absent", "expected": ""})
        assert response.status_code == 404, (persona, method, url)
    assert JurySession.objects.get(pk=session.pk).status == "deliberating"
    assert JuryCandidate.objects.filter(session=session).count() == 1
    assert Decision.objects.count() == 1


def test_members_read_the_session_but_not_the_staff_pages(client_for, session, jury_member):
    client = client_for(jury_member)
    assert client.get(reverse("deliberations:jury_detail", args=[session.pk])).status_code == 200
    staff_only = [
        reverse("deliberations:campaign_juries", args=[session.campaign_id]),
        reverse("deliberations:jury_candidates", args=[session.pk]),
    ]
    for url in staff_only:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "tutor", "evaluator", "reviewer"])
def test_my_juries_is_not_there_for_people_without_a_jury_role(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("deliberations:jury_list")).status_code == 404
    assert nav_items(user) == []


def test_my_juries_lists_only_my_sessions(client_for, session, jury_member, other_jury_member):
    url = reverse("deliberations:jury_list")
    assert "Salle du jury" in client_for(jury_member).get(url).content.decode()
    assert [i.label for i in nav_items(jury_member)] == ["Mes jurys"]
    body = client_for(other_jury_member).get(url).content.decode()
    assert "Salle du jury" not in body and "Aucun jury." in body


def test_staff_of_another_centre_see_none_of_its_sessions(client_for, session, staff_b):
    body = client_for(staff_b).get(reverse("deliberations:jury_list")).content.decode()
    assert "Salle du jury" not in body


def _deliberation_with(n: int, centre, president, member) -> JurySession:
    campaign = CampaignFactory(centre=centre)
    capacities = list(campaign.referential.capacities.all())
    registrations = [RegistrationFactory(campaign=campaign) for _ in range(n)]
    sheets = ResultSheet.objects.bulk_create(
        [ResultSheet(registration=r, status="validated") for r in registrations]
    )
    CapacityResult.objects.bulk_create(
        [
            CapacityResult(
                sheet=sheet,
                capacity=capacity,
                outcome="acquired" if (i + capacity.number) % 4 else "not_acquired",
                justification="Insuffisant.",
                source="carried_over" if capacity.number == 3 and i % 5 == 0 else "commission",
            )
            for i, sheet in enumerate(sheets)
            for capacity in capacities
        ]
    )
    session = jury(
        campaign,
        president=president,
        members=[member],
        status=JurySession.Status.DELIBERATING,
        registrations=registrations,
    )
    shown_first = deliberation_rows(session=session).first().registration
    first = Decision.objects.create(
        session=session,
        registration=shown_first,
        outcome="absent",
        proposed="not_admissible",
        recorded_by=member,
        is_active=False,
    )
    Decision.objects.create(
        session=session,
        registration=shown_first,
        outcome="not_admissible",
        proposed="not_admissible",
        recorded_by=member,
        supersedes=first,
        reason="Modifiée en délibération",
    )
    return session


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# Ours: staff centres, session, seat, the seat's recusals, capacity total, page count, page
# rows, results and decisions prefetches (9); the rest is session (read and idle-timeout save),
# user, MFA and every app's navigation, which other apps own.
DELIBERATION_MAX_QUERIES = 21


def test_the_deliberation_page_costs_the_same_for_10_or_300_candidates(
    client_for, centre_a, jury_president, jury_member
):
    counts = []
    for n in (10, 300):
        session = _deliberation_with(n, centre_a, jury_president, jury_member)
        url = reverse("deliberations:jury_deliberation", args=[session.pk])
        count, body = _count(client_for(jury_member), url)
        counts.append(count)
        assert f"{n} candidats présentés" in body
        assert "Décisions remplacées" in body
    assert counts[0] == counts[1] <= DELIBERATION_MAX_QUERIES
    last_page_count, _ = _count(client_for(jury_member), url + "?page=6")
    assert last_page_count == counts[1]


def test_staff_reach_the_documents_of_a_closed_session_only(client_for, session, staff_a):
    documents_url = reverse("documents:session", args=[session.pk])
    page = reverse("deliberations:jury_detail", args=[session.pk])
    assert documents_url not in client_for(staff_a).get(page).content.decode()
    JurySession.objects.filter(pk=session.pk).update(status=JurySession.Status.CLOSED)
    assert documents_url in client_for(staff_a).get(page).content.decode()


def test_the_candidates_to_present_are_searched_without_accents(client_for, session, staff_a):
    helene = RegistrationFactory(
        campaign=session.campaign, candidate__last_name="Quéré", candidate__first_name="Hélène"
    )
    other = RegistrationFactory(
        campaign=session.campaign, candidate__last_name="Durand", candidate__first_name="Marc"
    )
    url = reverse("deliberations:jury_candidates", args=[session.pk])
    page = client_for(staff_a).get(url, {"q": "HELENE quere"}).content.decode()
    assert str(helene.candidate) in page and str(other.candidate) not in page
    assert client_for(staff_a).get(url, {"q": "\x00" * 500}).status_code == 200


def test_the_attendance_sheet_is_offered_to_whoever_the_access_model_lets_sign(
    client_for, session, staff_a, jury_president, jury_member
):
    """« May sign » is the access model's `jury_session.sign` (staff of the centre, the
    president), then the session's state: the page works out no permission itself."""
    from cqpm.core import access

    page = reverse("deliberations:jury_detail", args=[session.pk])
    sheet = reverse("deliberations:jury_attendance", args=[session.pk])
    assert access.can(staff_a, "jury_session.sign", session)
    assert access.can(jury_president, "jury_session.sign", session)
    assert not access.can(jury_member, "jury_session.sign", session)
    assert sheet in client_for(staff_a).get(page).content.decode()
    assert sheet in client_for(jury_president).get(page).content.decode()
    assert sheet not in client_for(jury_member).get(page).content.decode()
    JurySession.objects.filter(pk=session.pk).update(status=JurySession.Status.CLOSED)
    assert sheet not in client_for(jury_president).get(page).content.decode()
