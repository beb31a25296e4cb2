"""Login protections: rate-limited failures, admin login behind allauth, encrypted TOTP."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from .factories.accounts import UserFactory, enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_it_rate_limits_failed_logins_on_one_account(client):
    UserFactory(email="cible@exemple.fr")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "cible@exemple.fr", "password": "mauvais"}
        )
        assert "incorrect" in response.content.decode()
    response = client.post(
        reverse("account_login"),
        {"login": "cible@exemple.fr", "password": "motdepasse-de-test-42"},
    )
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode()


def test_it_sends_the_admin_login_through_the_site_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_refuses_the_admin_to_non_staff_accounts(client_for, outsider):
    assert client_for(outsider).get(reverse("admin:login")).status_code == 403


def test_it_sends_a_superuser_without_totp_to_set_it_up_before_the_admin(client):
    admin = UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    enable_totp(admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_stores_totp_secrets_encrypted():
    user = UserFactory()
    secret = enable_totp(user)
    stored = Authenticator.objects.get(user=user).data["secret"]
    assert secret not in stored
