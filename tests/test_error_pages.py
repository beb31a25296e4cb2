"""The product's own French error pages (403, 404, 500, CSRF failure), inside its frame."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


def denied(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("refuse/", denied), path("panne/", broken), path("", include("cqpm.urls"))]


@pytest.fixture
def errors_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def assert_french_page(response, status: int, title: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr">' in body
    assert title in body
    assert "Campagnes CQPM" in body  # the product's frame


def test_it_answers_a_missing_page_in_french(client):
    assert_french_page(client.get("/nulle-part/"), 404, "Page introuvable")


def test_it_answers_a_forbidden_action_in_french(client, errors_urls):
    assert_french_page(client.get("/refuse/"), 403, "Accès refusé")


def test_it_answers_a_server_error_in_french(errors_urls):
    client = Client(raise_request_exception=False)
    assert_french_page(client.get("/panne/"), 500, "Erreur du serveur")


def test_it_answers_a_failed_csrf_check_in_french(staff_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    assert_french_page(client.post("/comptes/logout/"), 403, "Formulaire expiré")
