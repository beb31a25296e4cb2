"""Superusers manage centres and see registrations in a plain Django admin."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import enable_totp
from tests.factories.candidates import bulk_registrations

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_mfa(client):
    admin = User.objects.create_superuser(email="admin@exemple.fr", password="x" * 12)
    enable_totp(admin)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["examcentre", "company", "centremembership", "campaign", "candidate", "registration"]
)
def test_every_model_has_an_admin_changelist(admin_client_mfa, registration_a, model):
    response = admin_client_mfa.get(reverse(f"admin:candidates_{model}_changelist"))
    assert response.status_code == 200


def test_the_registration_changelist_lists_and_searches(admin_client_mfa, campaign_a):
    bulk_registrations(campaign_a, 30)
    url = reverse("admin:candidates_registration_changelist")
    response = admin_client_mfa.get(url, {"q": "Nom00007"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Session printemps A" in response.content.decode()


def test_the_admin_never_writes_a_status_or_a_stage(admin_client_mfa, registration_a):
    """Statuses move only through their maps and services: the admin shows them read-only."""
    campaign_url = reverse("admin:candidates_campaign_change", args=[registration_a.campaign_id])
    assert 'name="status"' not in admin_client_mfa.get(campaign_url).content.decode()
    url = reverse("admin:candidates_registration_change", args=[registration_a.pk])
    assert 'name="stage"' not in admin_client_mfa.get(url).content.decode()
