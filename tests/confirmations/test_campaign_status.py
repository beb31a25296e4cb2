"""The campaign's status buttons confirm first: what the move does, who is not evaluated, and a
recorded reason where the rules ask for one. A POST without confirmation changes nothing."""

import pytest
from django.urls import reverse

from candidates.models import Campaign
from cqpm.core.models import AuditEntry

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import results

pytestmark = pytest.mark.django_db
S = Campaign.Status


@pytest.fixture
def campaign(centre_a):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    done = RegistrationFactory(campaign=campaign, candidate__last_name="Evalué")
    results(done)
    for name in ("Martin", "Bernard"):
        RegistrationFactory(campaign=campaign, candidate__last_name=name)
    return campaign


def _url(campaign):
    return reverse("candidates:campaign_transition", args=[campaign.pk])


def test_moving_to_the_jury_lists_the_candidates_not_evaluated(client_for, staff_a, campaign):
    body = client_for(staff_a).post(_url(campaign), {"to": S.JURY}).content.decode()
    assert body.count("Non évalué (résultats non validés)") == 2
    assert "Evalué" not in body.split("Ce qui manque")[1].split("</ul>")[0]
    assert 'name="motif"' in body
    campaign.refresh_from_db()
    assert campaign.status == S.IN_PROGRESS


def test_the_jury_without_every_evaluation_needs_a_reason_recorded(client_for, staff_a, campaign):
    client = client_for(staff_a)
    refused = client.post(_url(campaign), {"to": S.JURY, "confirm": "1"})
    assert refused.status_code == 400
    assert "Indiquez le motif" in refused.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == S.IN_PROGRESS
    client.post(_url(campaign), {"to": S.JURY, "confirm": "1", "motif": "Deux absents."})
    campaign.refresh_from_db()
    assert campaign.status == S.JURY
    entry = AuditEntry.objects.get(action="cqpm.campaign.jury_started")
    assert entry.data["reason"] == "Deux absents."


def test_the_service_refuses_the_jury_without_a_reason(staff_a, campaign):
    from candidates.services import campaign_transition
    from cqpm.core.errors import DomainError

    with pytest.raises(DomainError, match="Motif du passage au jury"):
        campaign_transition(campaign=campaign, to=S.JURY, by=staff_a)


def test_a_cancellation_asks_for_its_reason(client_for, staff_a, centre_a):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    client = client_for(staff_a)
    body = client.post(_url(campaign), {"to": S.CANCELLED}).content.decode()
    assert "Motif de l&#x27;annulation" in body or "Motif de l'annulation" in body
    assert "btn-danger" in body
    client.post(_url(campaign), {"to": S.CANCELLED, "confirm": "1"})
    campaign.refresh_from_db()
    assert campaign.status == S.OPEN


def test_a_move_the_map_forbids_offers_nothing_to_confirm(client_for, staff_a, campaign):
    body = client_for(staff_a).post(_url(campaign), {"to": S.CLOSED}).content.decode()
    assert "Action impossible" in body
    assert 'name="confirm"' not in body


def test_the_role_less_home_says_why_nothing_shows_and_whom_to_ask(client_for, outsider):
    body = client_for(outsider).get("/").content.decode()
    assert "aucun rôle ne vous est donné" in body
    assert "centre d&#x27;examen UIMM" in body or "centre d'examen UIMM" in body


def test_the_login_page_invites_no_public_sign_up(client):
    body = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in body
    assert "pas d&#x27;inscription publique" in body or "pas d'inscription publique" in body
