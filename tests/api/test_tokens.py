"""API tokens: made on the account page (shown once, stored hashed), scoped, revoked at once,
throttled, audited; `manage.py api_token` prints one for scripts."""

import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from api.models import ApiToken
from cqpm.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"cqpm_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _create_on_page(client, name="Logiciel de formation", scope="read_only"):
    return client.post("/jetons-api/", {"name": name, "scope": scope})


def test_the_page_shows_the_secret_once_and_stores_only_its_hash(client_for, staff_a):
    browser = client_for(staff_a)
    answer = _create_on_page(browser)
    assert answer.status_code == 200
    secret = TOKEN.search(answer.content.decode()).group(0)
    row = ApiToken.objects.get(owner=staff_a)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.prefix, row.secret_hash, row.name}
    assert row.read_only and secret.startswith(f"cqpm_{row.prefix}_")
    assert answer["Cache-Control"].startswith("max-age=0")
    again = browser.get("/jetons-api/").content.decode()
    assert secret not in again and "Logiciel de formation" in again
    assert _bearer(secret).get("/api/v1/campaigns/").status_code == 200


def test_the_page_is_in_the_site_frame_and_the_navigation(client_for, tutor):
    page = client_for(tutor).get("/jetons-api/").content.decode()
    assert 'href="/jetons-api/"' in page  # the registry's nav entry, for everyone signed in
    assert "Jetons d'API" in page and "Lecture-écriture" in page
    assert 'href="/api/docs/"' in page


def test_a_name_is_required_with_a_french_message(client_for, tutor):
    answer = _create_on_page(client_for(tutor), name="   ")
    assert "Donnez un nom au jeton." in answer.content.decode() or "obligatoire" in (
        answer.content.decode()
    )
    assert not ApiToken.objects.exists()


def test_a_revoked_token_fails_at_once(client_for, staff_a, api_for):
    api = api_for(staff_a)
    assert api.get("/api/v1/campaigns/").status_code == 200
    row = ApiToken.objects.get(owner=staff_a)
    answer = client_for(staff_a).post(f"/jetons-api/{row.pk}/revoquer/")
    assert answer.status_code == 302
    refused = api.get("/api/v1/campaigns/")
    assert refused.status_code == 401
    assert refused.json()["message"] == "Jeton d'API invalide ou révoqué."
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_nobody_revokes_another_persons_token(client_for, staff_a, staff_b, api_for):
    api = api_for(staff_a)
    row = ApiToken.objects.get(owner=staff_a)
    assert client_for(staff_b).post(f"/jetons-api/{row.pk}/revoquer/").status_code == 404
    assert api.get("/api/v1/campaigns/").status_code == 200
    assert "tests" not in client_for(staff_b).get("/jetons-api/").content.decode()


def test_creation_and_revocation_are_audited_in_french(client_for, tutor):
    browser = client_for(tutor)
    _create_on_page(browser, name="Compta", scope="read_write")
    row = ApiToken.objects.get(owner=tutor)
    browser.post(f"/jetons-api/{row.pk}/revoquer/")
    codes = list(
        AuditEntry.objects.filter(object_id=str(row.pk), object_type="api.apitoken")
        .order_by("id")
        .values_list("action", "data")
    )
    assert [code for code, _data in codes] == ["cqpm.api.token.created", "cqpm.api.token.revoked"]
    assert codes[0][1]["scope"] == "read_write" and "secret" not in str(codes[0][1])


def test_a_read_only_token_reads_but_never_writes(scenario, api_for, staff_a):
    api = api_for(staff_a, read_only=True)
    assert api.get("/api/v1/registrations/").status_code == 200
    before = scenario.campaign.registrations.count()
    answer = api.post(
        "/api/v1/registrations/",
        {"campaign": scenario.campaign.pk, "civility": "Mme", "last_name": "Lu"},
        format="json",
    )
    assert answer.status_code == 403
    assert "lecture seule" in answer.json()["message"]
    assert api.post("/api/v1/registrations/bulk/", {}, format="json").status_code == 403
    assert scenario.campaign.registrations.count() == before


def test_a_disabled_account_token_fails(api_for, staff_a):
    api = api_for(staff_a)
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    answer = api.get("/api/v1/campaigns/")
    assert answer.status_code == 401
    assert "désactivé" in answer.json()["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer cqpm_00000000_" + "x" * 43,
        "Bearer cqpm__" + "x" * 43,
        "Bearer not-a-token",
        "Bearer cqpm_Ω_" + "x" * 43,
    ],
)
def test_malformed_or_unknown_tokens_get_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    answer = client.get("/api/v1/campaigns/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"


def test_a_token_is_throttled_with_a_french_message(settings, api_for, tutor):
    settings.CQPM_API_THROTTLE_RATE = "3/min"
    api = api_for(tutor)
    assert [api.get("/api/v1/referentials/").status_code for _ in range(3)] == [200] * 3
    answer = api.get("/api/v1/referentials/")
    assert answer.status_code == 429
    assert answer.json()["message"].startswith("Trop de requêtes pour ce jeton")
    assert int(answer["Retry-After"]) > 0
    assert api_for(tutor).get("/api/v1/referentials/").status_code == 200  # per token


def test_the_command_prints_a_token_with_the_owners_rights(scenario, staff_b):
    out = io.StringIO()
    call_command("api_token", "STAFF.B@exemple.fr", "--read-only", "--name", "ci", stdout=out)
    secret = out.getvalue().strip()
    assert TOKEN.fullmatch(secret)
    row = ApiToken.objects.get(owner=staff_b)
    assert row.read_only and row.name == "ci"
    api = _bearer(secret)
    assert api.get(f"/api/v1/registrations/{scenario.registration_b.pk}/").status_code == 200
    assert api.get(f"/api/v1/registrations/{scenario.registration.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="cqpm.api.token.created", actor=None).exists()


def test_the_command_refuses_an_unknown_account(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("api_token", "inconnu@exemple.fr")
    assert not ApiToken.objects.exists()


def test_the_documentation_page_serves_only_our_own_files(client, db):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(url.startswith("/") for url in sources), sources  # no CDN
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "<style" not in page and "<script>" not in page
    assert client.get("/api/schema/").content.startswith(b"openapi: 3")
    assert client.get("/api/schema/?format=json").json()["info"]["title"] == "API Campagnes CQPM"
