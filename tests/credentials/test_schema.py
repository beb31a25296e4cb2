"""Every issued credential passes 1EdTech's official Open Badges 3.0 AchievementCredential JSON
schema, and an older Ed25519 key keeps what it signed verifiable after ES256 took over.

`schemas/ob_v3p0_achievementcredential_schema.json` is 1EdTech's schema as published at
https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json
(the 3.0.3 file, its `$id` kept), vendored with its `description` and `$comment` annotations
left out: they take no part in validation; every keyword that validates is as published.
"""

import json
import warnings
from pathlib import Path

from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from jsonschema import Draft201909Validator

from credentials.keys import issuer_keys
from credentials.signing import payload_bytes
from credentials.verification import credential_verify, payload_of

from .conftest import generate_certificate

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
VALIDATOR = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(credential: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in VALIDATOR.iter_errors(credential)
    ]


def test_the_vendored_schema_is_a_valid_2019_09_schema():
    Draft201909Validator.check_schema(SCHEMA)


def test_an_issued_credential_passes_the_official_schema(certificate):
    credential = payload_of(certificate.credential.jwt)
    assert schema_errors(credential) == []
    identifiers = credential["credentialSubject"]["identifier"]
    assert {identifier["type"] for identifier in identifiers} == {"IdentityObject"}


def test_a_credential_of_a_person_without_email_passes_too(jury, staff_a):
    jury.alice.candidate.email = ""
    jury.alice.candidate.save()
    document = generate_certificate(jury.alice, staff_a)
    assert schema_errors(payload_of(document.credential.jwt)) == []


def test_the_schema_refuses_what_credentials_carried_before(certificate):
    """The test can fail: the list `type` of an IdentityObject, as issued before, is refused."""
    credential = payload_of(certificate.credential.jwt)
    credential["credentialSubject"]["identifier"][0]["type"] = ["IdentityObject"]
    assert any("identifier/0/type" in error for error in schema_errors(credential))


def test_a_credential_signed_by_the_older_ed25519_key_still_verifies(
    certificate, settings, tmp_path
):
    """Credentials signed EdDSA before the P-256 key came stay verifiable: the Ed25519 key is
    still published in the DID document, inactive."""
    active = issuer_keys()[-1]
    old = OKPKey.generate_key("Ed25519", auto_kid=False)
    keys = {
        "keys": [
            {"id": "key-0", "created": "", "active": False, "jwk": old.as_dict(private=True)},
            {
                "id": active.id,
                "created": "",
                "active": True,
                "jwk": active.private.as_dict(private=True),
            },
        ]
    }
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(keys))
    settings.CREDENTIALS_KEY_FILE = path
    old_kid = issuer_keys()[0].kid
    credential = certificate.credential
    payload = payload_of(credential.jwt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        token = jws.serialize_compact(
            {"alg": "EdDSA", "typ": "vc+jwt", "kid": old_kid},
            payload_bytes(payload),
            old,
            algorithms=["EdDSA"],
        )
    credential.jwt = token
    credential.save()
    verdict = credential_verify(text=token)
    assert verdict.valid, verdict.errors
    assert verdict.kid == old_kid
