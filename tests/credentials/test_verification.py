"""The verification page: a pasted or uploaded credential is judged in French — genuine, tampered,
signed by another key, by an unknown or withdrawn key, malformed, revoked — never a 500."""

import base64
import datetime
import html as html_module
import json
import shutil
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from credentials.keys import issuer_did, key_generate
from deliberations.models import Decision
from deliberations.services import jury_decision_amend
from documents.services import document_revoke

from .conftest import generate_certificate

URL = reverse("credentials:verify")


def page(client, **data) -> str:
    """The page's text as read (HTML entities decoded)."""
    response = client.post(URL, data)
    assert response.status_code == 200
    return html_module.unescape(response.content.decode())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def payload(token: str) -> dict:
    return json.loads(unb64(token.split(".")[1]))


def signed_by(key: OKPKey, kid: str, content: dict) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact(
            {"alg": "EdDSA", "typ": "vc+jwt", "kid": kid},
            json.dumps(content).encode(),
            key,
            algorithms=["EdDSA"],
        )


def test_it_says_a_genuine_credential_is_valid_with_its_key_and_what_it_attests(
    client, certificate
):
    token = certificate.credential.jwt
    html = page(client, text=token)
    assert "Badge authentique et valide." in html
    assert f"{issuer_did()}#key-1" in html
    assert "non révoqué" in html
    assert "Éloïse LEFÈVRE" in html
    assert certificate.registration.campaign.referential.title in html


def test_it_accepts_the_uploaded_file_and_the_pretty_json_of_an_issued_credential(
    client, certificate
):
    upload = SimpleUploadedFile("badge-cqpm.jwt", certificate.credential.jwt.encode())
    assert "Badge authentique et valide." in page(client, file=upload)
    code = certificate.verification_code
    pretty = client.get(reverse("credentials:credential_json", args=[code])).content.decode()
    assert "Badge authentique et valide." in page(client, text=pretty)
    forged = json.loads(pretty)
    forged["credentialSubject"]["achievement"]["name"] = "Directeur d'usine"
    assert "son contenu a été modifié" in page(client, text=json.dumps(forged))


def test_it_refuses_a_tampered_payload(client, certificate):
    header, body, signature = certificate.credential.jwt.split(".")
    content = json.loads(unb64(body))
    content["credentialSubject"]["achievement"]["name"] = "Directeur d'usine"
    tampered = ".".join([header, b64(json.dumps(content).encode()), signature])
    html = page(client, text=tampered)
    assert "Signature invalide : le contenu du badge a été modifié" in html
    assert "Directeur d'usine" not in html


def test_it_refuses_a_credential_signed_by_another_key_under_our_kid(client, certificate):
    token = certificate.credential.jwt
    kid = json.loads(unb64(token.split(".")[0]))["kid"]
    forged = signed_by(OKPKey.generate_key("Ed25519"), kid, payload(token))
    assert "Signature invalide" in page(client, text=forged)


def test_it_refuses_an_unknown_kid(client, certificate):
    token = certificate.credential.jwt
    key = OKPKey.generate_key("Ed25519")
    html = page(client, text=signed_by(key, f"{issuer_did()}#key-99", payload(token)))
    assert "n'est pas publiée par l'émetteur" in html
    html = page(client, text=signed_by(key, "did:web:ailleurs.example#key-1", payload(token)))
    assert "n'est pas publiée par l'émetteur" in html


@pytest.mark.parametrize(
    "text",
    [
        "",
        "bonjour",
        "a.b.c",
        "{pas du json",
        "[1, 2]",
        '{"id": "urn:uuid:pas-un-uuid"}',
        "eyJhbGciOiJub25lIn0.e30.",
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        "x" * 70_000,
    ],
)
def test_it_explains_malformed_input_in_french(client, db, text):
    html = page(client, text=text)
    assert "Badge authentique" not in html
    assert 'class="alert alert-danger"' in html or "Collez un badge" in html


def test_it_refuses_a_binary_upload(client, db):
    upload = SimpleUploadedFile("badge.jwt", b"\xff\xfe\x00binaire")
    assert "Ce fichier n'est pas un texte" in page(client, file=upload)


def test_it_says_a_revoked_credential_is_revoked(client, certificate, staff_a):
    document_revoke(document=certificate, reason="Erreur de saisie du nom.", by=staff_a)
    html = page(client, text=certificate.credential.jwt)
    assert "Ce badge a été révoqué par l'émetteur" in html
    assert "Badge authentique et valide." not in html


def test_an_amended_decision_revokes_the_credential_in_its_transaction(
    client, certificate, jury, jury_president
):
    jury_decision_amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        jury_reason="Capacité 3 insuffisamment démontrée.",
        reason="Erreur de report.",
        by=jury_president,
    )
    credential = certificate.credential
    credential.refresh_from_db()
    assert credential.revoked_at is not None and "Erreur de report" in credential.revoked_reason
    assert "révoqué" in page(client, text=credential.jwt)


def test_credentials_signed_before_a_rotation_still_verify_until_the_key_is_withdrawn(
    client, settings, tmp_path, jury, staff_a
):
    path = tmp_path / "keys.json"
    shutil.copy(settings.CREDENTIALS_KEY_FILE, path)
    settings.CREDENTIALS_KEY_FILE = path
    old = generate_certificate(jury.alice, staff_a).credential
    key_generate(path=path)
    document_revoke(document=old.document, reason="Nouvelle version.", by=staff_a)
    new = generate_certificate(jury.alice, staff_a).credential
    assert (old.kid.rsplit("#")[1], new.kid.rsplit("#")[1]) == ("key-1", "key-2")
    assert "Badge authentique et valide." in page(client, text=new.jwt)
    assert "Signature" in page(client, text=old.jwt) and f"{old.kid}" in page(client, text=old.jwt)

    entries = json.loads(path.read_text())
    entries["keys"] = [e for e in entries["keys"] if e["id"] != "key-1"]
    path.write_text(json.dumps(entries))
    assert "n'est pas publiée par l'émetteur" in page(client, text=old.jwt)
    assert "Badge authentique et valide." in page(client, text=new.jwt)


def test_it_shows_the_jury_day_in_french_and_in_paris_not_the_utc_instants_first_characters(
    client, certificate
):
    day = certificate.decision.session.date
    token = certificate.credential.jwt
    assert payload(token)["validFrom"].startswith(f"{day - datetime.timedelta(days=1):%Y-%m-%d}")
    html = page(client, text=token)
    assert f'Date du jury</dt><dd class="col-sm-9">{day:%d/%m/%Y}</dd>' in html
    assert f"{day - datetime.timedelta(days=1):%Y-%m-%d}" not in html.split("<form")[0]
