"""Campaign pages: create, edit, status buttons and the dashboard."""

import datetime

import pytest
from django.urls import reverse

from candidates.models import Campaign, Registration
from cqpm.core.models import AuditEntry
from referentials.models import Referential
from tests.factories.candidates import CampaignFactory, bulk_registrations
from tests.factories.referentials import ReferentialFactory, referential_with_capacities

pytestmark = pytest.mark.django_db


def _form(centre, referential, **overrides):
    data = {
        "centre": centre.pk,
        "referential": referential.pk,
        "name": "Session d'hiver",
        "registration_opens": "2026-09-01",
        "registration_closes": "2026-10-31",
        "report_deadline": "2027-01-15",
        "opinion_deadline": "2027-01-31",
        "commission_starts": "2027-02-10",
        "commission_ends": "2027-02-20",
        "jury_date": "2027-03-05",
    }
    return {**data, **overrides}


def test_it_creates_a_campaign(client_for, staff_a, centre_a):
    referential = referential_with_capacities(1)
    response = client_for(staff_a).post(
        reverse("candidates:campaign_create"), _form(centre_a, referential)
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:campaign_detail", args=[campaign.pk])
    assert campaign.centre == centre_a
    assert AuditEntry.objects.filter(action="cqpm.campaign.created").count() == 1


def test_it_shows_incoherent_dates_on_their_field(client_for, staff_a, centre_a):
    referential = referential_with_capacities(1)
    response = client_for(staff_a).post(
        reverse("candidates:campaign_create"),
        _form(centre_a, referential, jury_date="2027-02-15"),
    )
    assert response.status_code == 200
    assert "Le jury doit se tenir après la fin des commissions." in response.content.decode()
    assert response.context["form"].errors["jury_date"]
    assert not Campaign.objects.exists()


def test_it_offers_only_published_referentials(client_for, staff_a, centre_a):
    draft = ReferentialFactory(status=Referential.Status.DRAFT, title="Brouillon caché")
    client = client_for(staff_a)
    assert (
        "Brouillon caché" not in client.get(reverse("candidates:campaign_create")).content.decode()
    )
    response = client.post(reverse("candidates:campaign_create"), _form(centre_a, draft))
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Campaign.objects.exists()


def test_it_refuses_a_campaign_in_another_centre(client_for, staff_a, centre_b):
    response = client_for(staff_a).post(
        reverse("candidates:campaign_create"), _form(centre_b, referential_with_capacities(1))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["centre"]
    assert not Campaign.objects.exists()


def test_it_edits_a_campaign(client_for, staff_a, campaign_a):
    data = _form(campaign_a.centre, campaign_a.referential, name="Session renommée")
    response = client_for(staff_a).post(
        reverse("candidates:campaign_update", args=[campaign_a.pk]), data
    )
    assert response.status_code == 302
    campaign_a.refresh_from_db()
    assert campaign_a.name == "Session renommée"
    assert campaign_a.jury_date == datetime.date(2027, 3, 5)


def test_it_changes_the_status_with_a_post_button(client_for, staff_a, campaign_a):
    client = client_for(staff_a)
    page = client.get(reverse("candidates:campaign_detail", args=[campaign_a.pk])).content.decode()
    assert "Démarrer les évaluations" in page
    url = reverse("candidates:campaign_transition", args=[campaign_a.pk])
    confirm = client.post(url, {"to": "in_progress"}).content.decode()
    assert "Ce que cette action va faire" in confirm
    assert 'name="confirm" value="1"' in confirm
    campaign_a.refresh_from_db()
    assert campaign_a.status == Campaign.Status.OPEN  # not confirmed: nothing changed
    response = client.post(url, {"to": "in_progress", "confirm": "1"}, follow=True)
    assert "La campagne est maintenant « Évaluations en cours »." in response.content.decode()
    campaign_a.refresh_from_db()
    assert campaign_a.status == Campaign.Status.IN_PROGRESS


def test_it_explains_a_refused_status_change(client_for, staff_a, campaign_a):
    url = reverse("candidates:campaign_transition", args=[campaign_a.pk])
    response = client_for(staff_a).post(url, {"to": "closed"}, follow=True)
    assert "Action impossible" in response.content.decode()
    campaign_a.refresh_from_db()
    assert campaign_a.status == Campaign.Status.OPEN


def test_it_refuses_to_change_the_status_with_a_get(client_for, staff_a, campaign_a):
    url = reverse("candidates:campaign_transition", args=[campaign_a.pk])
    assert client_for(staff_a).get(url, {"to": "in_progress"}).status_code == 405
    campaign_a.refresh_from_db()
    assert campaign_a.status == Campaign.Status.OPEN


def test_the_dashboard_counts_by_stage_with_a_chart_and_a_table(client_for, staff_a, campaign_a):
    bulk_registrations(campaign_a, 3)
    bulk_registrations(campaign_a, 2, start=3, stage=Registration.Stage.DOSSIER)
    bulk_registrations(campaign_a, 1, start=5, stage=Registration.Stage.WITHDRAWN)
    response = client_for(staff_a).get(reverse("candidates:campaign_detail", args=[campaign_a.pk]))
    body = response.content.decode()
    assert "5 inscrits actifs" in body
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in body
    assert "Inscrit : 3 ; Dossier d&#x27;évaluation : 2" in body
    counts = {item.stage: item.count for item in response.context["dashboard"].counts}
    assert counts["registered"] == 3
    assert counts["dossier"] == 2
    assert counts["withdrawn"] == 1


def test_the_dashboard_flags_what_is_late(client_for, staff_a, centre_a):
    campaign = CampaignFactory(
        centre=centre_a,
        registration_opens=datetime.date(2020, 1, 1),
        registration_closes=datetime.date(2020, 2, 1),
        report_deadline=datetime.date(2020, 3, 1),
        opinion_deadline=datetime.date(2020, 3, 2),
        commission_starts=datetime.date(2099, 1, 1),
        commission_ends=datetime.date(2099, 1, 2),
        jury_date=datetime.date(2099, 2, 1),
    )
    bulk_registrations(campaign, 4)
    bulk_registrations(campaign, 1, start=4, stage=Registration.Stage.EVIDENCE)
    body = client_for(staff_a).get(reverse("candidates:campaign_detail", args=[campaign.pk]))
    body = body.content.decode()
    assert (
        "4 candidat(s) sans dossier validé après la date limite des rapports (01/03/2020)" in body
    )
    assert "Les inscriptions sont closes depuis le 01/02/2020" in body
    assert "passée" in body
    assert "?stage=registered&amp;stage=dossier" in body


def test_the_campaign_list_counts_each_campaigns_registrations_but_the_withdrawn(staff_a, centre_a):
    from candidates.selectors import campaign_list_for

    busy = CampaignFactory(centre=centre_a)
    empty = CampaignFactory(centre=centre_a)
    bulk_registrations(busy, 5)
    bulk_registrations(busy, 2, start=5, stage=Registration.Stage.WITHDRAWN)
    counts = {c.pk: c.registration_count for c in campaign_list_for(user=staff_a, with_counts=True)}
    assert counts[busy.pk] == 5
    assert counts[empty.pk] == 0
