"""Dates that make sense (docs/LIFECYCLE.md): a commission after the evidence it judges is due
(or a recorded reason), a jury after its commission, no deliberation closed before its date, and
editing a date re-checks what depends on it — through the services and the pages."""

import datetime
import html
from dataclasses import asdict

import pytest
from django.urls import reverse

from candidates.models import Campaign, CentreMembership
from candidates.services import CampaignData, campaign_update
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import JurySession
from deliberations.services import jury_session_close, jury_session_create, jury_session_reschedule
from evaluations.models import CommissionSession
from evaluations.services.commissions import (
    commission_session_create,
    commission_session_reschedule,
)
from tests.factories.candidates import CampaignFactory
from tests.factories.deliberations import jury

# The factory's calendar: reports due 01/03/2027, opinions 15/03/2027, commissions 01/04 to
# 30/04/2027, jury 15/05/2027.
D = datetime.date


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)


def _data(campaign, **dates) -> CampaignData:
    fields = {
        name: getattr(campaign, name)
        for name in CampaignData.__dataclass_fields__
        if name != "name"
    }
    return CampaignData(name=campaign.name, **{**fields, **dates})


def _membership(centre, user):
    return CentreMembership.objects.get(centre=centre, user=user, role="jury")


# --- Commission sessions -----------------------------------------------------------------------


def test_a_commission_before_the_evidence_is_due_needs_a_reason(campaign, staff_a):
    with pytest.raises(DomainError, match="précède la date limite des rapports") as excinfo:
        commission_session_create(campaign=campaign, date=D(2027, 3, 10), place="Lyon", by=staff_a)
    assert excinfo.value.field == "date"
    assert not CommissionSession.objects.exists()

    session = commission_session_create(
        campaign=campaign,
        date=D(2027, 3, 10),
        place="Lyon",
        by=staff_a,
        override_reason="Candidats en mobilité à l'étranger en avril.",
    )
    assert session.date_override_reason == "Candidats en mobilité à l'étranger en avril."
    entry = AuditEntry.objects.get(action="cqpm.commission.session.created")
    assert entry.data["after"]["date_override_reason"] == session.date_override_reason


def test_a_commission_after_the_evidence_keeps_no_reason(campaign, staff_a):
    session = commission_session_create(
        campaign=campaign, date=D(2027, 4, 10), place="Lyon", by=staff_a, override_reason="x"
    )
    assert session.date_override_reason == ""


def test_a_commission_sits_no_later_than_the_end_of_the_commissions(campaign, staff_a):
    with pytest.raises(DomainError, match="au plus tard le 30/04/2027"):
        commission_session_create(campaign=campaign, date=D(2027, 5, 2), place="Lyon", by=staff_a)


def test_the_page_shows_the_refusal_on_the_date_field(campaign, staff_a, client_for):
    url = reverse("evaluations:campaign_commissions", args=[campaign.pk])
    response = client_for(staff_a).post(url, {"date": "2027-03-10", "place": "Lyon"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "précède la date limite des rapports" in " ".join(form.errors["date"])
    assert not CommissionSession.objects.exists()


def test_a_commission_cannot_move_onto_a_jury(campaign, staff_a, jury_president):
    session = commission_session_create(
        campaign=campaign, date=D(2027, 4, 10), place="Lyon", by=staff_a
    )
    jury(campaign, president=jury_president, date=D(2027, 4, 30))
    with pytest.raises(DomainError, match="Le jury du 30/04/2027 doit suivre la commission"):
        commission_session_reschedule(session=session, date=D(2027, 4, 30), by=staff_a)
    session.refresh_from_db()
    assert session.date == D(2027, 4, 10)
    moved = commission_session_reschedule(session=session, date=D(2027, 4, 20), by=staff_a)
    assert moved.date == D(2027, 4, 20)
    assert AuditEntry.objects.filter(action="cqpm.commission.session.rescheduled").exists()


def test_the_reschedule_page_refuses_a_date_before_the_evidence(campaign, staff_a, client_for):
    session = commission_session_create(
        campaign=campaign, date=D(2027, 4, 10), place="Lyon", by=staff_a
    )
    url = reverse("evaluations:session_reschedule", args=[campaign.pk, session.pk])
    response = client_for(staff_a).post(url, {"date": "2027-02-01"})
    assert "précède la date limite des rapports" in " ".join(
        response.context["form"].errors["date"]
    )
    response = client_for(staff_a).post(
        url, {"date": "2027-02-01", "override_reason": "Session anticipée pour les VAE."}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == D(2027, 2, 1) and session.date_override_reason


# --- Jury sessions -------------------------------------------------------------------------------


def test_a_jury_sits_after_its_commissions(campaign, staff_a, jury_president, jury_member):
    president = _membership(campaign.centre, jury_president)
    employee = _membership(campaign.centre, jury_member)
    with pytest.raises(DomainError, match="après la fin des commissions") as excinfo:
        jury_session_create(
            campaign=campaign,
            date=D(2027, 4, 20),
            place="Lyon",
            president=president,
            members=[employee],
            by=staff_a,
        )
    assert excinfo.value.field == "date"
    CommissionSession.objects.create(campaign=campaign, date=D(2027, 4, 30), place="Lyon")
    with pytest.raises(DomainError, match="dernière commission d'évaluation"):
        jury_session_create(
            campaign=campaign,
            date=D(2027, 4, 30),
            place="Lyon",
            president=president,
            members=[employee],
            by=staff_a,
        )
    session = jury_session_create(
        campaign=campaign,
        date=D(2027, 5, 15),
        place="Lyon",
        president=president,
        members=[employee],
        by=staff_a,
    )
    assert JurySession.objects.get() == session


def test_the_jury_page_shows_the_refusal_on_the_date(campaign, staff_a, jury_president, client_for):
    president = _membership(campaign.centre, jury_president)
    url = reverse("deliberations:campaign_juries", args=[campaign.pk])
    response = client_for(staff_a).post(
        url, {"date": "2027-04-01", "place": "Lyon", "president": president.pk}
    )
    assert "après la fin des commissions" in " ".join(response.context["form"].errors["date"])
    assert not JurySession.objects.exists()


def test_a_planned_jury_moves_only_after_the_commission(campaign, staff_a, jury_president):
    session = jury(campaign, president=jury_president)
    with pytest.raises(DomainError, match="après la fin des commissions"):
        jury_session_reschedule(session=session, date=D(2027, 4, 1), by=staff_a)
    moved = jury_session_reschedule(session=session, date=D(2027, 5, 20), by=staff_a)
    assert moved.date == D(2027, 5, 20)
    deliberating = jury(campaign, president=jury_president, status=JurySession.Status.DELIBERATING)
    with pytest.raises(DomainError, match="délibération ouverte"):
        jury_session_reschedule(session=deliberating, date=D(2027, 5, 21), by=staff_a)


def test_no_deliberation_is_closed_before_its_session_date(
    centre_a, jury_president, jury_member, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=Campaign.Status.JURY)
    future = datetime.date.today() + datetime.timedelta(days=30)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=future,
    )
    with pytest.raises(DomainError, match="ne peut pas être close avant cette date"):
        jury_session_close(session=session, by=jury_president)
    client = client_for(jury_president)
    page = client.get(reverse("deliberations:jury_deliberation", args=[session.pk]))
    body = page.content.decode()
    assert reverse("deliberations:jury_close", args=[session.pk]) not in body
    assert "pourra être close à partir de cette date" in body
    url = reverse("deliberations:jury_close", args=[session.pk])
    page = html.unescape(client.post(url).content.decode())
    assert "la session ne peut pas être close avant." in page
    response = client.post(url, {"confirm": "1"})  # a stale page: refused all the same
    assert response.status_code == 400
    assert "la session ne peut pas être close avant." in html.unescape(response.content.decode())
    session.refresh_from_db()
    assert session.status == JurySession.Status.DELIBERATING


# --- Editing the campaign's calendar re-checks its sessions -------------------------------------


def test_moving_the_end_of_the_commissions_before_a_session_is_refused_on_that_field(
    campaign, staff_a, client_for
):
    commission_session_create(campaign=campaign, date=D(2027, 4, 25), place="Lyon", by=staff_a)
    with pytest.raises(DomainError, match="déplacez-la d'abord") as excinfo:
        campaign_update(
            campaign=campaign,
            referential=campaign.referential,
            data=_data(campaign, commission_ends=D(2027, 4, 20)),
            by=staff_a,
        )
    assert excinfo.value.field == "commission_ends"
    campaign.refresh_from_db()
    assert campaign.commission_ends == D(2027, 4, 30)

    url = reverse("candidates:campaign_update", args=[campaign.pk])
    dates = asdict(_data(campaign))
    post = {name: f"{value:%Y-%m-%d}" for name, value in dates.items() if name != "name"}
    post.update(referential=campaign.referential_id, name=campaign.name)
    post["commission_ends"] = "2027-04-20"
    response = client_for(staff_a).post(url, post)
    assert response.status_code == 200
    assert "déplacez-la d'abord" in " ".join(response.context["form"].errors["commission_ends"])


def test_moving_a_deadline_after_a_commission_is_refused_unless_it_had_a_reason(campaign, staff_a):
    commission_session_create(campaign=campaign, date=D(2027, 4, 5), place="Lyon", by=staff_a)
    with pytest.raises(DomainError, match="déplacez d'abord la commission") as excinfo:
        campaign_update(
            campaign=campaign,
            referential=campaign.referential,
            data=_data(campaign, opinion_deadline=D(2027, 4, 8), commission_starts=D(2027, 4, 9)),
            by=staff_a,
        )
    assert excinfo.value.field == "opinion_deadline"


def test_moving_the_end_of_the_commissions_after_a_jury_is_refused(
    campaign, staff_a, jury_president
):
    jury(campaign, president=jury_president, date=D(2027, 5, 10))
    with pytest.raises(DomainError, match="ne peut pas suivre le jury du 10/05/2027"):
        campaign_update(
            campaign=campaign,
            referential=campaign.referential,
            data=_data(campaign, commission_ends=D(2027, 5, 12)),
            by=staff_a,
        )
