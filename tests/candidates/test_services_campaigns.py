"""Campaign rules: published referential, coherent dates, status workflow, audit entries."""

import dataclasses
import datetime

import pytest

from candidates.models import Campaign
from candidates.services import (
    CampaignData,
    campaign_create,
    campaign_transition,
    campaign_update,
)
from cqpm.core.errors import DomainError, InvalidTransition
from cqpm.core.models import AuditEntry
from referentials.models import Referential
from tests.factories.candidates import RegistrationFactory
from tests.factories.referentials import ReferentialFactory, referential_with_capacities

pytestmark = pytest.mark.django_db

DATA = CampaignData(
    name="Session automne",
    registration_opens=datetime.date(2026, 9, 1),
    registration_closes=datetime.date(2026, 10, 31),
    report_deadline=datetime.date(2027, 1, 15),
    opinion_deadline=datetime.date(2027, 1, 31),
    commission_starts=datetime.date(2027, 2, 10),
    commission_ends=datetime.date(2027, 2, 20),
    jury_date=datetime.date(2027, 3, 5),
)


def test_it_creates_a_campaign_of_a_published_referential(centre_a, staff_a):
    referential = referential_with_capacities(2)
    campaign = campaign_create(centre=centre_a, referential=referential, data=DATA, by=staff_a)
    assert campaign.status == Campaign.Status.PLANNED
    entry = AuditEntry.objects.get(action="cqpm.campaign.created")
    assert entry.actor == staff_a
    assert entry.centre_id == centre_a.pk
    assert entry.data["after"]["name"] == "Session automne"


def test_it_refuses_an_unpublished_referential(centre_a, staff_a):
    draft = ReferentialFactory(status=Referential.Status.DRAFT)
    with pytest.raises(DomainError, match="n'est pas publié"):
        campaign_create(centre=centre_a, referential=draft, data=DATA, by=staff_a)
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registration_closes", datetime.date(2026, 8, 1), "clôture des inscriptions doit suivre"),
        ("report_deadline", datetime.date(2026, 10, 1), "date limite des rapports doit suivre"),
        ("commission_ends", datetime.date(2027, 2, 1), "fin des commissions doit suivre"),
        ("jury_date", datetime.date(2027, 2, 15), "jury doit se tenir après"),
    ],
)
def test_it_refuses_incoherent_dates(centre_a, staff_a, field, value, message):
    data = dataclasses.replace(DATA, **{field: value})
    with pytest.raises(DomainError, match=message):
        campaign_create(
            centre=centre_a, referential=referential_with_capacities(1), data=data, by=staff_a
        )
    assert not Campaign.objects.exists()


def test_it_refuses_staff_of_another_centre(centre_a, staff_b):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        campaign_create(
            centre=centre_a, referential=referential_with_capacities(1), data=DATA, by=staff_b
        )
    assert not Campaign.objects.exists()


def test_it_updates_a_campaign_and_audits_only_what_changed(campaign_a, staff_a):
    data = CampaignData(
        **{
            **{f.name: getattr(campaign_a, f.name) for f in dataclasses.fields(CampaignData)},
            "name": "Nouveau nom",
        }
    )
    campaign_update(campaign=campaign_a, referential=campaign_a.referential, data=data, by=staff_a)
    campaign_a.refresh_from_db()
    assert campaign_a.name == "Nouveau nom"
    entry = AuditEntry.objects.get(action="cqpm.campaign.updated")
    assert entry.data == {
        "before": {"name": "Session printemps A"},
        "after": {"name": "Nouveau nom"},
    }


def test_it_keeps_the_referential_once_candidates_are_registered(campaign_a, staff_a):
    RegistrationFactory(campaign=campaign_a)
    data = CampaignData(
        **{f.name: getattr(campaign_a, f.name) for f in dataclasses.fields(CampaignData)}
    )
    with pytest.raises(DomainError, match="des inscrits"):
        campaign_update(
            campaign=campaign_a, referential=referential_with_capacities(1), data=data, by=staff_a
        )


def test_it_moves_a_campaign_along_its_workflow_with_audit(campaign_a, staff_a):
    campaign = campaign_transition(campaign=campaign_a, to=Campaign.Status.IN_PROGRESS, by=staff_a)
    assert campaign.status == Campaign.Status.IN_PROGRESS
    entry = AuditEntry.objects.get(action="cqpm.campaign.started")
    assert entry.data == {"before": "open", "after": "in_progress"}
    assert entry.centre_id == campaign_a.centre_id


def test_it_refuses_a_transition_the_map_does_not_allow(campaign_a, staff_a):
    with pytest.raises(InvalidTransition, match="Inscriptions ouvertes"):
        campaign_transition(campaign=campaign_a, to=Campaign.Status.CLOSED, by=staff_a)
    campaign_a.refresh_from_db()
    assert campaign_a.status == Campaign.Status.OPEN
    assert not AuditEntry.objects.exists()


def test_it_refuses_to_edit_a_cancelled_campaign(campaign_a, staff_a):
    campaign_transition(
        campaign=campaign_a, to=Campaign.Status.CANCELLED, by=staff_a, reason="Annulée."
    )
    data = dataclasses.replace(DATA)
    with pytest.raises(
        DomainError, match="annulée : elle est en lecture seule, il n'est plus possible de modifier"
    ):
        campaign_update(
            campaign=campaign_a, referential=campaign_a.referential, data=data, by=staff_a
        )
