"""Issuing: one credential per certificate, random status indexes never reused, the key file and
its rotation, the DID document, the PDF that carries the credential, and a private key that never
reaches the database, a log or a command's output."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from cqpm.core.pdf import layout_pdf
from credentials import services
from credentials.keys import did_document, issuer_did, issuer_keys
from credentials.models import Credential, StatusList
from credentials.rendering import pdf_extra
from documents.models import Document
from documents.rendering import document_html
from documents.services import document_generate, document_request, document_revoke

from .conftest import generate_certificate


def private_parts() -> list[str]:
    return [key.private.as_dict(private=True)["d"] for key in issuer_keys()]


def test_a_certificate_gets_one_credential_and_a_notice_none(jury, staff_a, certificate):
    credential = certificate.credential
    assert services.credential_issue(document=certificate) == credential
    assert Credential.objects.count() == 1
    notice = document_request(kind=Document.Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a)
    document_generate(document_id=notice.pk)
    assert not Credential.objects.filter(document=notice).exists()
    assert credential.decision == jury.admissible
    assert 0 <= credential.status_index < credential.status_list.size
    assert credential.status_list.size >= 131072


def test_status_indexes_are_unique_in_the_database(certificate):
    credential = certificate.credential
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(
            document=Document.objects.create(
                kind=Document.Kind.CERTIFICATE,
                registration=certificate.registration,
                jury_session=certificate.jury_session,
                decision=certificate.decision,
                version=2,
                status=Document.Status.REVOKED,
            ),
            decision=certificate.decision,
            status_list=credential.status_list,
            status_index=credential.status_index,
            kid=credential.kid,
            jwt="x",
        )


def test_indexes_are_drawn_at_random_and_never_reused(jury, staff_a):
    indexes = []
    for _ in range(4):
        document = generate_certificate(jury.alice, staff_a)
        indexes.append(document.credential.status_index)
        document_revoke(document=document, reason="Réédition.", by=staff_a)
    assert len(set(indexes)) == 4
    assert indexes != sorted(indexes) or max(indexes) > 1000  # not sequential from 0
    assert StatusList.objects.count() == 1


def test_the_pdf_shows_the_credential_and_carries_it_attached(certificate):
    credential = certificate.credential
    with certificate.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        attached = pdf.attachments["badge-cqpm.jwt"].get_file().read_bytes()
        assert len(pdf.pages) == 1
    assert attached.decode() == credential.jwt
    html = document_html(certificate, extras=[pdf_extra(certificate)])
    assert f"/verifier/{certificate.verification_code}/badge.jwt" in html
    # One QR code only, the document's: it leads to the verification page, which offers the badge.
    assert html.count("<svg") == 1 and 'src="data:image/png;base64,' not in html
    assert len(layout_pdf(html=html).pages) == 1


def test_the_did_document_publishes_public_keys_only(client, settings):
    settings.SITE_URL = "https://cqpm.example.org:8443"
    assert issuer_did() == "did:web:cqpm.example.org%3A8443"
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document == did_document()
    method = document["verificationMethod"][0]
    assert method["id"] == "did:web:cqpm.example.org%3A8443#key-1"
    jwk = method["publicKeyJwk"]
    assert (jwk["kty"], jwk["crv"]) == ("EC", "P-256") and "d" not in jwk and jwk["y"]
    assert document["assertionMethod"] == [method["id"]]
    profile = client.get(reverse("credentials:issuer_json")).json()
    assert profile["id"] == issuer_did() and profile["type"] == ["Profile"]
    assert client.get(reverse("credentials:issuer")).status_code == 200


def test_keygen_rotates_and_keeps_old_keys_published(settings, tmp_path):
    settings.CREDENTIALS_KEY_FILE = tmp_path / "sub" / "keys.json"
    out = io.StringIO()
    call_command("credentials_keygen", "--if-missing", stdout=out)
    call_command("credentials_keygen", "--if-missing", stdout=out)
    assert [k.id for k in issuer_keys()] == ["key-1"]
    call_command("credentials_keygen", stdout=out)
    assert [(k.id, k.active) for k in issuer_keys()] == [("key-1", False), ("key-2", True)]
    assert len(did_document()["verificationMethod"]) == 2
    assert oct(os.stat(settings.CREDENTIALS_KEY_FILE).st_mode & 0o777) == "0o600"
    assert not any(secret in out.getvalue() for secret in private_parts())


def test_the_private_key_never_reaches_the_database_or_the_logs(
    caplog, jury, staff_a, jury_president
):
    caplog.set_level(logging.DEBUG)
    document = generate_certificate(jury.alice, staff_a)
    document_revoke(document=document, reason="Contrôle.", by=staff_a)
    services.status_list_served(number=1)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    secrets = private_parts()
    assert secrets and all(len(secret) > 40 for secret in secrets)
    assert not any(secret in dump.getvalue() for secret in secrets)
    assert not any(secret in caplog.text for secret in secrets)
    assert not any(secret in repr(key) for key in issuer_keys() for secret in secrets)


def test_public_downloads_answer_404_for_an_unknown_code_or_list(client, certificate):
    code = certificate.verification_code
    jwt = client.get(reverse("credentials:credential_jwt", args=[code]))
    assert jwt.status_code == 200 and jwt.content.decode() == certificate.credential.jwt
    assert jwt["Content-Type"] == "application/vc+jwt"
    assert client.get(reverse("credentials:credential_jwt", args=["0" * 32])).status_code == 404
    assert client.get(reverse("credentials:credential_json", args=["x"])).status_code == 404
    assert client.get(reverse("credentials:status_list", args=[99])).status_code == 404
    verify_page = client.get(reverse("documents:verify", args=[code])).content.decode()
    assert f"/verifier/{code}/badge.jwt" in verify_page


def test_production_refuses_to_start_without_a_key_source(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cqpm.settings.production",
        "CQPM_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 30 + "-production-secret-for-the-test-only-0123456789",
        "MFA_ENCRYPTION_KEY": "another-key",
        "ALLOWED_HOSTS": "cqpm.example.org",
        "SITE_URL": "https://cqpm.example.org",
        "CACHE_URL": "redis://127.0.0.1:6379/0",  # production wants a shared cache first
        "CREDENTIALS_KEYS": "",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Aucune clé de signature des badges numériques" in result.stderr


def test_the_credential_is_issued_with_the_request_and_the_render_only_reads_it(jury, staff_a):
    # Issued by the reaction to the certificate's new version, before any render.
    document = document_request(kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    credential = Credential.objects.get(document=document)
    assert credential.decision == jury.admissible
    # The render places it on the PDF and issues nothing: without one, the PDF goes without.
    Credential.objects.filter(pk=credential.pk).delete()
    document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert not Credential.objects.filter(document=document).exists()
    with document.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        assert "badge-cqpm.jwt" not in pdf.attachments


def test_no_credential_without_an_issuer_key(jury, staff_a, settings, tmp_path, caplog):
    settings.CREDENTIALS_KEY_FILE = tmp_path / "missing.json"
    document = document_request(kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    assert not Credential.objects.filter(document=document).exists()
    assert "no issuer key configured" in caplog.text
