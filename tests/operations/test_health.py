"""/sante/: the public sees ok or dégradé and nothing more; staff (Django's is_staff) and the
monitoring system with its token see each component. /healthz stays the cheap liveness probe."""

import pytest
from django.urls import reverse

from ..factories.accounts import UserFactory, enable_totp

pytestmark = pytest.mark.django_db

TOKEN = "jeton-de-supervision-0123456789"
LABELS = ("Base de données", "Cache partagé", "workers Celery", "Stockage des fichiers")


@pytest.fixture
def operator(db):
    user = UserFactory(email="exploitation@exemple.fr", is_staff=True)
    enable_totp(user)
    return user


def _json(client, **extra):
    return client.get(reverse("health"), HTTP_ACCEPT="application/json", **extra)


def test_the_public_sees_only_the_overall_status(client):
    # No worker runs in these tests: the service is degraded.
    response = _json(client)
    page = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json() == {"status": "dégradé"}
    html = page.content.decode()
    assert page.status_code == 503 and "Statut : dégradé" in html
    assert not any(label in html for label in LABELS)
    assert "ping" not in html


def test_staff_see_which_component_is_down_and_why(client, operator):
    client.force_login(operator)
    body = _json(client).json()
    page = client.get(reverse("health")).content.decode()

    components = body["components"]
    assert set(components) == {"database", "cache", "workers", "storage"}
    workers = components["workers"]
    assert workers["label"] == "Tâches de fond (workers Celery)" and workers["ok"] is False
    assert "no Celery worker answered the ping" in workers["error"]
    assert all(components[name]["ok"] for name in ("database", "cache", "storage"))
    assert all(label in page for label in LABELS)
    assert "en panne" in page


def test_centre_staff_are_public_here(client_for, staff_a):
    assert _json(client_for(staff_a)).json() == {"status": "dégradé"}


def test_the_monitoring_token_shows_the_details(client, settings):
    settings.HEALTH_CHECK_TOKEN = TOKEN
    good = _json(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    bad = _json(client, HTTP_AUTHORIZATION="Bearer devine").json()

    assert "components" in good
    assert bad == {"status": "dégradé"}


def test_no_token_configured_means_no_details_for_an_empty_bearer(client, settings):
    settings.HEALTH_CHECK_TOKEN = ""
    assert _json(client, HTTP_AUTHORIZATION="Bearer ").json() == {"status": "dégradé"}


def test_healthz_answers_before_the_host_check_and_the_https_redirect(client, settings):
    settings.ALLOWED_HOSTS = ["cqpm.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert response.content == b"ok"
