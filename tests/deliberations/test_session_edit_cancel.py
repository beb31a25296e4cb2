"""Commission and jury sessions are edited (date, time, place) and cancelled with a reason while
they have not started, audited; a cancelled session's candidates go back to be assigned."""

import datetime

import pytest
from django.urls import reverse

from candidates.history import registration_history
from candidates.models import Campaign, Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import JuryCandidate, JurySession
from deliberations.services import jury_session_cancel, jury_session_create, jury_session_edit
from evaluations.models import CommissionAssignment, Interview
from evaluations.services.commissions import (
    commission_assign,
    commission_session_cancel,
    commission_session_create,
    commission_session_edit,
)
from tests.factories.candidates import CampaignFactory, RegistrationFactory
from tests.factories.deliberations import jury

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)


@pytest.fixture
def session(campaign, staff_a):
    return commission_session_create(
        campaign=campaign, date=D(2027, 4, 10), place="Lyon", by=staff_a
    )


def test_staff_edit_a_commission_date_time_and_place_audited(session, staff_a):
    commission_session_edit(
        session=session,
        date=D(2027, 4, 12),
        start_time=datetime.time(9, 30),
        place="Villeurbanne, salle B",
        by=staff_a,
    )
    session.refresh_from_db()
    assert (session.date, session.start_time, session.place) == (
        D(2027, 4, 12),
        datetime.time(9, 30),
        "Villeurbanne, salle B",
    )
    entry = AuditEntry.objects.get(action="cqpm.commission.session.updated")
    assert entry.data["before"]["place"] == "Lyon"
    assert entry.data["after"]["place"] == "Villeurbanne, salle B"


def test_the_edit_page_changes_the_place(campaign, session, staff_a, client_for):
    url = reverse("evaluations:session_reschedule", args=[campaign.pk, session.pk])
    response = client_for(staff_a).post(
        url, {"date": "2027-04-10", "start_time": "14:00", "place": "Grenoble"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Grenoble" and session.start_time == datetime.time(14, 0)


def test_cancelling_a_commission_unassigns_its_candidates_for_another_session(
    campaign, session, staff_a
):
    registrations = [RegistrationFactory(campaign=campaign) for _ in range(2)]
    for registration in registrations:
        commission_assign(session=session, registration=registration, by=staff_a)
    with pytest.raises(DomainError, match="motif"):
        commission_session_cancel(session=session, reason="  ", by=staff_a)

    assert commission_session_cancel(session=session, reason="Salle indisponible", by=staff_a) == 2
    session.refresh_from_db()
    assert session.is_cancelled and session.cancellation_reason == "Salle indisponible"
    assert not CommissionAssignment.objects.exists()
    # Each candidate's history says it, in words.
    sentences = [row.sentence for row in registration_history(registration=registrations[0])]
    assert any("Salle indisponible" in s and "autre commission" in s for s in sentences), sentences
    # A cancelled session is read-only, and no longer holds the jury's date back.
    other = commission_session_create(
        campaign=campaign, date=D(2027, 4, 20), place="Lyon", by=staff_a
    )
    commission_assign(session=other, registration=registrations[0], by=staff_a)
    with pytest.raises(DomainError, match="annulée"):
        commission_assign(session=session, registration=registrations[1], by=staff_a)
    with pytest.raises(DomainError, match="annulée"):
        commission_session_edit(session=session, date=D(2027, 4, 11), place="Lyon", by=staff_a)


def test_a_commission_that_has_started_is_neither_edited_nor_cancelled(
    campaign, session, staff_a, evaluator
):
    registration = RegistrationFactory(campaign=campaign)
    commission_assign(session=session, registration=registration, by=staff_a)
    Interview.objects.create(registration=registration, date=D(2027, 4, 10), recorded_by=staff_a)
    with pytest.raises(DomainError, match="a commencé"):
        commission_session_cancel(session=session, reason="Trop tard", by=staff_a)
    with pytest.raises(DomainError, match="a commencé"):
        commission_session_edit(session=session, date=D(2027, 4, 11), place="Lyon", by=staff_a)
    assert CommissionAssignment.objects.count() == 1


def test_the_cancel_page_is_a_confirmation_with_counts_then_cancels(
    campaign, session, staff_a, staff_b, client_for
):
    commission_assign(
        session=session, registration=RegistrationFactory(campaign=campaign), by=staff_a
    )
    url = reverse("evaluations:session_cancel", args=[campaign.pk, session.pk])
    page = client_for(staff_a).get(url).content.decode()
    assert "Cette action est définitive." in page and "1 candidat sera retiré" in page
    refused = client_for(staff_a).post(url, {"reason": ""})
    assert refused.status_code == 200
    session.refresh_from_db()
    assert not session.is_cancelled
    assert client_for(staff_b).post(url, {"reason": "Non"}).status_code == 404
    done = client_for(staff_a).post(url, {"reason": "Intempéries"})
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_staff_edit_and_cancel_a_planned_jury_whose_candidates_go_back(
    campaign, staff_a, jury_president, jury_member
):
    registration = RegistrationFactory(campaign=campaign, stage=Registration.Stage.COMMISSION)
    session = jury(campaign, president=jury_president, registrations=[registration])
    jury_session_edit(
        session=session, date=D(2027, 5, 20), start_time=datetime.time(10), place="Lyon", by=staff_a
    )
    session.refresh_from_db()
    assert (session.date, session.place) == (D(2027, 5, 20), "Lyon")
    assert AuditEntry.objects.filter(action="cqpm.jury.session.updated").exists()

    assert jury_session_cancel(session=session, reason="Quorum impossible", by=staff_a) == 1
    session.refresh_from_db()
    registration.refresh_from_db()
    assert session.status == JurySession.Status.CANCELLED
    assert session.cancellation_reason == "Quorum impossible"
    assert not JuryCandidate.objects.exists()
    assert registration.stage == Registration.Stage.COMMISSION
    with pytest.raises(DomainError):
        jury_session_edit(session=session, date=D(2027, 5, 21), place="Lyon", by=staff_a)
    # Another jury may now be planned and the candidate put before it.
    other = jury_session_create(
        campaign=campaign,
        date=D(2027, 5, 25),
        place="Lyon",
        president=session.members.get(is_president=True).user.centre_memberships.get(role="jury"),
        members=[jury_member.centre_memberships.get(role="jury")],
        by=staff_a,
    )
    assert other.status == JurySession.Status.PLANNED


def test_a_jury_in_deliberation_is_not_cancelled(campaign, staff_a, jury_president):
    session = jury(campaign, president=jury_president, status=JurySession.Status.DELIBERATING)
    with pytest.raises(DomainError, match="ne s'annule plus"):
        jury_session_cancel(session=session, reason="Trop tard", by=staff_a)


def test_the_jury_cancel_page_confirms_then_cancels(campaign, staff_a, jury_president, client_for):
    session = jury(campaign, president=jury_president)
    url = reverse("deliberations:jury_cancel", args=[session.pk])
    assert "Cette action est définitive." in client_for(staff_a).get(url).content.decode()
    assert client_for(staff_a).post(url, {"reason": "Report"}).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled
