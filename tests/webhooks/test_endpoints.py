"""Staff register their centre's endpoints: https and public addresses only in production, a
secret per endpoint shown to them and rotated with an audit entry; nobody else sees any of it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from webhooks import services
from webhooks.addresses import is_public
from webhooks.models import Endpoint, Event

pytestmark = pytest.mark.django_db


def _form(url, events=(Event.REGISTRATION_CREATED, Event.DOCUMENT_READY), **extra):
    # is_active is a checkbox: absent unless `is_active="on"` is given.
    return {"url": url, "description": "Gestion de la formation", "events": list(events), **extra}


def test_it_registers_an_endpoint_from_the_page_and_shows_its_secret(
    client_for, staff_a, centre_a, receiver
):
    client = client_for(staff_a)
    response = client.post(
        reverse("webhooks:endpoint_create", kwargs={"pk": centre_a.pk}),
        _form(receiver.url, is_active="on"),
    )
    endpoint = Endpoint.objects.get()
    assert response.url == reverse("webhooks:endpoint_detail", kwargs={"pk": endpoint.pk})
    assert (endpoint.centre, endpoint.created_by, endpoint.is_active) == (centre_a, staff_a, True)
    assert endpoint.events == [Event.REGISTRATION_CREATED, Event.DOCUMENT_READY]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 70
    page = client.get(response.url)
    assert endpoint.secret in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    entry = AuditEntry.objects.get(action="cqpm.webhooks.endpoint.created")
    assert (entry.centre_id, entry.actor) == (centre_a.pk, staff_a)
    assert endpoint.secret not in str(entry.data)
    listing = client.get(reverse("webhooks:centre", kwargs={"pk": centre_a.pk})).content.decode()
    assert receiver.url in listing and "Inscriptions créées, Document prêt" in listing


def test_it_refuses_http_in_production_with_a_french_message(
    client_for, staff_a, centre_a, settings
):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = client_for(staff_a).post(
        reverse("webhooks:endpoint_create", kwargs={"pk": centre_a.pk}),
        _form("http://logiciel.exemple.fr/hook"),
    )
    assert response.status_code == 200
    assert "ne sont envoyés qu&#x27;en HTTPS" in response.content.decode()
    assert response.context["form"].errors["url"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
    ],
)
def test_it_refuses_private_and_loopback_addresses_in_production(staff_a, centre_a, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(DomainError) as refused:
        services.endpoint_create(
            centre=centre_a, url=url, events=[Event.DOCUMENT_READY], by=staff_a
        )
    assert "réseau privé ou local" in refused.value.message
    assert refused.value.field == "url"
    assert not Endpoint.objects.exists()


def test_a_public_address_passes_the_production_checks(staff_a, centre_a, settings):
    settings.WEBHOOKS_ALLOW_HTTP = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    assert is_public("93.184.215.14") and not is_public("100.64.0.1")
    endpoint = services.endpoint_create(
        centre=centre_a, url="https://93.184.215.14/hook", events=["document.ready"], by=staff_a
    )
    assert endpoint.url == "https://93.184.215.14/hook"


@pytest.mark.parametrize(
    ("url", "events", "message"),
    [
        ("ftp://exemple.fr/hook", ["document.ready"], "doit commencer par https://"),
        ("https://moi:secret@exemple.fr/hook", ["document.ready"], "ni de mot de passe"),
        ("https://exemple.fr/hook", [], "au moins un événement"),
        ("https://exemple.fr/hook", ["document.ready", "inconnu"], "au moins un événement"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(staff_a, centre_a, url, events, message):
    with pytest.raises(DomainError, match=message):
        services.endpoint_create(centre=centre_a, url=url, events=events, by=staff_a)
    assert not Endpoint.objects.exists()


def test_staff_of_another_centre_cannot_register_for_it(staff_b, centre_a, client_for):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        services.endpoint_create(
            centre=centre_a, url="https://exemple.fr/h", events=["ping"], by=staff_b
        )
    response = client_for(staff_b).post(
        reverse("webhooks:endpoint_create", kwargs={"pk": centre_a.pk}),
        _form("https://exemple.fr/h"),
    )
    assert response.status_code == 404
    assert not Endpoint.objects.exists()


def test_rotating_the_secret_replaces_it_and_is_audited(client_for, staff_a, endpoint):
    old = endpoint.secret
    client_for(staff_a).post(reverse("webhooks:endpoint_rotate", kwargs={"pk": endpoint.pk}))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret_rotated_at is not None
    entry = AuditEntry.objects.get(action="cqpm.webhooks.endpoint.secret_rotated")
    assert entry.object_id == str(endpoint.pk) and entry.actor == staff_a
    assert old not in str(entry.data) and endpoint.secret not in str(entry.data)


def test_an_update_is_audited_with_what_changed(client_for, staff_a, endpoint):
    client_for(staff_a).post(
        reverse("webhooks:endpoint_update", kwargs={"pk": endpoint.pk}),
        _form(endpoint.url, events=[Event.DECISION_RECORDED], description=endpoint.description),
    )
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.is_active) == ([Event.DECISION_RECORDED], False)
    entry = AuditEntry.objects.get(action="cqpm.webhooks.endpoint.updated")
    assert entry.data["before"]["is_active"] is True
    assert entry.data["after"] == {"events": ["decision.recorded"], "is_active": False}


def test_outsiders_get_404_on_every_page_of_an_endpoint(client_for, staff_b, tutor, endpoint):
    delivery = services.endpoint_ping(endpoint=endpoint, by=endpoint.created_by)
    for user in (staff_b, tutor):
        client = client_for(user)
        for name, pk in [
            ("webhooks:centre", endpoint.centre_id),
            ("webhooks:endpoint_create", endpoint.centre_id),
            ("webhooks:endpoint_detail", endpoint.pk),
            ("webhooks:endpoint_update", endpoint.pk),
            ("webhooks:delivery_detail", delivery.pk),
        ]:
            assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404, (user, name)
        for name, pk in [
            ("webhooks:endpoint_rotate", endpoint.pk),
            ("webhooks:endpoint_ping", endpoint.pk),
            ("webhooks:delivery_replay", delivery.pk),
        ]:
            assert client.post(reverse(name, kwargs={"pk": pk})).status_code == 404, (user, name)
    endpoint.refresh_from_db()
    assert AuditEntry.objects.filter(action__startswith="cqpm.webhooks.").count() == 2
    # Staff of centre B see their own (empty) list, without centre A's endpoint or delivery.
    page = client_for(staff_b).get(reverse("webhooks:index"), follow=True).content.decode()
    assert endpoint.url not in page and "Aucun point de réception" in page


def test_the_navigation_offers_webhooks_to_staff_only(client_for, staff_a, tutor, centre_a):
    assert reverse("webhooks:index") in client_for(staff_a).get("/").content.decode()
    assert reverse("webhooks:index") not in client_for(tutor).get("/").content.decode()
    response = client_for(staff_a).get(reverse("webhooks:index"))
    assert response.url == reverse("webhooks:centre", kwargs={"pk": centre_a.pk})


def _signing_keys(tmp_path) -> str:
    from credentials.keys import key_generate

    key_generate(path=tmp_path / "issuer-keys.json")
    return (tmp_path / "issuer-keys.json").read_text()


def test_the_production_settings_refuse_http_and_private_addresses_whatever_the_env(tmp_path):
    code = (
        "from cqpm.core.errors import DomainError\n"
        "from webhooks.addresses import check_url\n"
        "for url in ('http://logiciel.exemple.fr/hook', 'https://127.0.0.1/hook'):\n"
        "    try:\n"
        "        check_url(url)\n"
        "    except DomainError as refused:\n"
        "        print('REFUSED', refused.message)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cqpm.settings.production",
        "CQPM_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 30 + "-production-secret-for-the-test-only-0123456789",
        "MFA_ENCRYPTION_KEY": "another-key",
        "ALLOWED_HOSTS": "cqpm.example.org",
        "SITE_URL": "https://cqpm.example.org",
        "WEBHOOKS_ALLOW_HTTP": "true",
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # What production requires besides: a shared cache and the credentials' signing keys.
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "CREDENTIALS_KEYS": _signing_keys(tmp_path),
        # ... and the PDF seal's certificate (the session's throwaway one, tests/conftest.py).
        "PDF_SEAL_PKCS12_FILE": str(settings.PDF_SEAL_PKCS12_FILE),
        "PDF_SEAL_PASSPHRASE": settings.PDF_SEAL_PASSPHRASE,
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    refusals = [line for line in result.stdout.splitlines() if line.startswith("REFUSED")]
    assert len(refusals) == 2
    assert "ne sont envoyés qu'en HTTPS" in refusals[0]
    assert "réseau privé ou local (127.0.0.1)" in refusals[1]
