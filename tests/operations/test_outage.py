"""Redis down (a real client against a closed port): no page answers 500. The verification page
and the invitation links fail open, what needs the cache inside allauth answers a French 503,
and the health page says the cache is down."""

import logging

import pytest
from django.urls import reverse

from ..factories.accounts import UserFactory, enable_totp

pytestmark = pytest.mark.django_db


def test_the_verification_page_fails_open_and_logs_a_warning(client, dead_redis_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="cqpm.core.ratelimit"):
        response = client.get(reverse("documents:verify", args=["f" * 32]))

    assert response.status_code == 404
    assert "Document inconnu" in response.content.decode()
    assert "cache unavailable" in caplog.text


def test_the_login_page_shows_and_a_login_answers_a_french_503(client, dead_redis_cache):
    UserFactory(email="personne@exemple.fr")
    page = client.get(reverse("account_login"))
    response = client.post(
        reverse("account_login"),
        {"login": "personne@exemple.fr", "password": "motdepasse-de-test-42"},
    )

    assert page.status_code == 200
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    assert response["Retry-After"] == "60"


def test_the_health_page_says_the_cache_is_down(client, dead_redis_cache):
    operator = UserFactory(email="exploitation@exemple.fr", is_staff=True)
    enable_totp(operator)
    client.force_login(operator)
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "dégradé"
    assert body["components"]["cache"]["ok"] is False
    assert body["components"]["database"]["ok"] is True
    assert body["components"]["storage"]["ok"] is True
