"""An independent verifier: joserfc alone, with the DID document and the status list fetched over
HTTP from the live server (as any wallet or employer's tool would), none of our verification code.
"""

import base64
import datetime
import gzip
import hashlib
import json
import urllib.request
import warnings
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, KeySet

from deliberations.models import Decision
from deliberations.services import jury_decision_amend
from referentials.case import capacity_uri, document_uri

from .conftest import generate_certificate

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = ZoneInfo("Europe/Paris")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the live server
        return response.read()


def resolve_did_web(did: str, scheme: str) -> str:
    """did:web method §3.2: host (percent-decoded port) + /.well-known/did.json."""
    assert did.startswith("did:web:")
    host = unquote(did.removeprefix("did:web:").split(":")[0])
    # The live server speaks http; production's did:web resolves over https.
    return f"{scheme}://{host}/.well-known/did.json"


def verify_independently(token: str, did_document: dict) -> tuple[dict, dict]:
    """(header, payload) if the JWS verifies with the key its kid names in the DID document."""
    keys = {
        m["id"]: ECKey.import_key(m["publicKeyJwk"], parameters={"kid": m["id"]})
        for m in did_document["verificationMethod"]
        if m["id"] in did_document["assertionMethod"]
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        result = jws.deserialize_compact(token, KeySet(list(keys.values())), algorithms=["ES256"])
    return result.headers(), json.loads(result.payload)


def status_bit(credential: dict, did_document: dict) -> bool:
    entry = credential["credentialStatus"]
    list_token = fetch(entry["statusListCredential"]).decode()
    _header, status_credential = verify_independently(list_token, did_document)
    assert status_credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = status_credential["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_a_standard_verifier_accepts_the_credential_and_sees_its_revocation(
    live_server, settings, jury, staff_a, jury_president
):
    settings.SITE_URL = live_server.url
    document = generate_certificate(jury.alice, staff_a)
    token = fetch(f"{live_server.url}/verifier/{document.verification_code}/badge.jwt").decode()
    assert token == document.credential.jwt

    did = "did:web:" + live_server.url.split("://")[1].replace(":", "%3A")
    did_document = json.loads(fetch(resolve_did_web(did, "http")))
    assert did_document["id"] == did
    header, credential = verify_independently(token, did_document)

    # What 1EdTech's validator checks of a JWT proof (OB 3.0 §8.2): ES256, typ JWT, the claims.
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    assert credential["iss"] == did and credential["jti"] == credential["id"]
    assert credential["sub"] == credential["credentialSubject"]["id"]
    assert credential["sub"].startswith("urn:uuid:")
    valid_from = datetime.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    assert credential["nbf"] == int(valid_from.timestamp())
    assert header["kid"].startswith(did + "#") and header["kid"] in did_document["assertionMethod"]
    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["issuer"]["id"] == did and "Profile" in credential["issuer"]["type"]
    assert credential["issuer"]["url"].startswith(live_server.url)
    midnight = datetime.datetime.combine(jury.session.date, datetime.time.min, PARIS)
    assert credential["validFrom"] == midnight.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )

    subject = credential["credentialSubject"]
    hashed = next(i for i in subject["identifier"] if i["identityType"] == "emailAddress")
    assert hashed["hashed"] is True and hashed["salt"]
    email = jury.alice.candidate.email.lower()
    expected = hashlib.sha256((email + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] == f"sha256${expected}"
    assert email not in token_text(token)
    name = next(i for i in subject["identifier"] if i["identityType"] == "name")
    assert name["identityHash"] == "Éloïse LEFÈVRE"

    referential = jury.campaign.referential
    achievement = subject["achievement"]
    assert achievement["id"] == document_uri(referential)
    assert (achievement["humanCode"], achievement["name"]) == (referential.code, referential.title)
    assert achievement["version"] == str(referential.version)
    capacities = list(referential.capacities.order_by("number"))
    assert [a["targetUrl"] for a in achievement["alignment"]] == [
        capacity_uri(c) for c in capacities
    ]
    assert all(c.title in achievement["criteria"]["narrative"] for c in capacities)
    if referential.issuer:
        assert achievement["creator"]["name"] == referential.issuer
    assert credential["evidence"][0]["id"] == (
        f"{live_server.url}/verifier/{document.verification_code}/"
    )

    assert status_bit(credential, did_document) is False
    jury_decision_amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        jury_reason="Le jury estime la capacité 3 insuffisamment démontrée.",
        reason="Erreur de report constatée.",
        by=jury_president,
    )
    assert status_bit(credential, did_document) is True


def token_text(token: str) -> str:
    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
