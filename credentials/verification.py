"""Checking a credential someone pasted or uploaded: JWT (compact JWS) or JSON.

The signature is checked from the DID document's keys alone (what any verifier would resolve);
the revocation from the published status list. Every failure is a French sentence, never an
exception: the page says what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import gzip
import json
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, KeySet, OKPKey

from .keys import ALGORITHMS, algorithm_of, did_document, import_jwk, issuer_did
from .models import Credential
from .services import status_list_served

MAX_INPUT_CHARS = 64 * 1024
REQUIRED_CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Verdict:
    """What the page says: `errors` empty means genuine and not revoked."""

    errors: list[str] = field(default_factory=list)
    signature_ok: bool = False
    kid: str = ""
    revoked: bool | None = None  # None: status not checked
    credential: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.signature_ok and self.revoked is False and not self.errors

    @property
    def summary(self) -> dict[str, Any]:
        """What it attests, read from the credential (only once its signature holds)."""
        subject = self.credential.get("credentialSubject") or {}
        achievement = subject.get("achievement") or {}
        names = [
            i.get("identityHash")
            for i in subject.get("identifier") or []
            if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
        ]
        issuer = self.credential.get("issuer") or {}
        return {
            "holder": names[0] if names else "",
            "achievement": achievement.get("name", ""),
            "code": achievement.get("humanCode", ""),
            "version": achievement.get("version", ""),
            "valid_from": local_day(self.credential.get("validFrom")),
            "issuer": issuer.get("name", "") if isinstance(issuer, dict) else str(issuer),
            "capacities": [a.get("targetName", "") for a in achievement.get("alignment") or []],
        }


def local_day(instant: Any) -> datetime.date | None:
    """The day of an XML Schema dateTime in the product's time zone: the jury's day, stored as
    Paris midnight in UTC (« 2026-08-08T22:00:00Z » is the 9th), not its first ten characters."""
    try:
        parsed = datetime.datetime.fromisoformat(str(instant).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.date()
    return parsed.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def credential_verify(*, text: str) -> Verdict:
    """Check a pasted credential: a VC-JWT, an EnvelopedVerifiableCredential, or the JSON of a
    credential we issued (then compared with the signed one)."""
    verdict = Verdict()
    try:
        token = _token_from(text)
        verdict.kid, verdict.credential = _check_signature(token)
        verdict.signature_ok = True
        _check_shape(verdict.credential)
        verdict.revoked = _is_revoked(verdict.credential)
    except Refused as refusal:
        verdict.errors.append(refusal.message)
    if verdict.revoked:
        verdict.errors.append(_("Ce badge a été révoqué par l'émetteur : il n'est plus valide."))
    return verdict


def _token_from(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(_("Collez un badge (texte JWT ou JSON) ou choisissez son fichier."))
    if len(text) > MAX_INPUT_CHARS:
        raise Refused(_("Ce texte est trop long pour être un badge (64 Ko au plus)."))
    if not text.startswith("{"):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        raise Refused(_("Ce JSON est mal formé : ce n'est pas un badge lisible.")) from None
    if not isinstance(data, dict):
        raise Refused(_("Ce JSON n'est pas un badge."))
    enveloped = str(data.get("id", ""))
    if "EnvelopedVerifiableCredential" in _types(data) and enveloped.startswith("data:"):
        return enveloped.split(",", 1)[-1]
    return _token_of_issued(data)


def _types(data: dict[str, Any]) -> list[str]:
    value = data.get("type", [])
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _token_of_issued(data: dict[str, Any]) -> str:
    """A bare credential carries no signature: it is genuine only if it is exactly one we
    signed (looked up by its id), and then the signed copy is what gets checked."""
    identifier = str(data.get("id", ""))
    credential = None
    if identifier.startswith("urn:uuid:"):
        try:
            credential = Credential.objects.filter(uuid=identifier[9:]).first()
        except Exception:  # not a UUID
            credential = None
    if credential is None:
        raise Refused(
            _(
                "Ce JSON ne porte pas de signature et ne correspond à aucun badge émis ici : "
                "vérifiez plutôt le fichier .jwt."
            )
        )
    if payload_of(credential.jwt) != data:
        raise Refused(
            _("Ce JSON diffère du badge émis sous cet identifiant : son contenu a été modifié.")
        )
    return credential.jwt


JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp")


def payload_of(token: str) -> dict[str, Any]:
    """The credential a VC-JWT carries: its payload without the JWT's registered claims."""
    payload = token.split(".")[1]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {name: value for name, value in data.items() if name not in JWT_CLAIMS}


def _header_of(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise Refused(
            _(
                "Ce texte n'est pas un badge lisible : un JWT (trois parties séparées par des "
                "points) ou un JSON est attendu."
            )
        )
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Refused(_("L'en-tête de ce JWT est illisible : ce n'est pas un badge.")) from None
    if not isinstance(header, dict):
        raise Refused(_("L'en-tête de ce JWT est illisible : ce n'est pas un badge."))
    return header


def _check_signature(token: str) -> tuple[str, dict[str, Any]]:
    header = _header_of(token)
    if header.get("alg") not in ALGORITHMS:
        raise Refused(
            _(
                "Algorithme de signature non accepté (%(alg)s) : seuls ES256 et EdDSA (badges "
                "plus anciens) sont utilisés ici."
            )
            % {"alg": str(header.get("alg"))[:20]}
        )
    kid = str(header.get("kid", ""))
    keys = _published_keys()
    if kid not in keys:
        raise Refused(
            _(
                "La clé annoncée (%(kid)s) n'est pas publiée par l'émetteur %(did)s : clé "
                "inconnue, retirée ou d'un autre émetteur. Le badge ne peut pas être authentifié."
            )
            % {"kid": kid[:200] or "—", "did": issuer_did()}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            # The algorithm is the key's own: a header naming another one fails here.
            algorithm = algorithm_of(keys[kid])
            if header.get("alg") != algorithm:
                raise ValueError("algorithm of another key type")
            result = jws.deserialize_compact(token, keys[kid], algorithms=[algorithm])
        payload = json.loads(result.payload)
    except (JoseError, ValueError, UnicodeDecodeError, binascii.Error):
        raise Refused(
            _(
                "Signature invalide : le contenu du badge a été modifié, ou il n'a pas été signé "
                "par la clé %(kid)s."
            )
            % {"kid": kid}
        ) from None
    if not isinstance(payload, dict):
        raise Refused(_("Le contenu signé n'est pas un badge."))
    return kid, payload


def _published_keys() -> dict[str, ECKey | OKPKey]:
    """The keys of the DID document, by their DID URL: nothing private is read here."""
    return {
        method["id"]: import_jwk(method["publicKeyJwk"])
        for method in did_document()["verificationMethod"]
    }


def key_set() -> KeySet:
    return KeySet(list(_published_keys().values()))


def _check_shape(credential: dict[str, Any]) -> None:
    contexts = credential.get("@context") or []
    if list(contexts[:2]) != list(REQUIRED_CONTEXTS) or "OpenBadgeCredential" not in _types(
        credential
    ):
        raise Refused(_("Signature valide, mais ce n'est pas un Open Badge 3.0."))
    issuer = credential.get("issuer") or {}
    if (issuer.get("id") if isinstance(issuer, dict) else issuer) != issuer_did():
        raise Refused(_("Signature valide, mais l'émetteur déclaré n'est pas celui de la clé."))


def _is_revoked(credential: dict[str, Any]) -> bool:
    status = credential.get("credentialStatus") or {}
    if not isinstance(status, dict) or status.get("statusPurpose") != "revocation":
        raise Refused(_("Ce badge n'indique pas de statut de révocation vérifiable."))
    url = str(status.get("statusListCredential", ""))
    number = _local_list_number(url)
    token = status_list_served(number=number) if number is not None else None
    if token is None:
        raise Refused(_("La liste de statut de ce badge est introuvable : statut inconnu."))
    _kid, status_credential = _check_signature(token)
    try:
        index = int(status["statusListIndex"])
        return bit_at(status_credential["credentialSubject"]["encodedList"], index)
    except (KeyError, ValueError, IndexError, TypeError):
        raise Refused(_("L'index de statut de ce badge est invalide.")) from None


def _local_list_number(url: str) -> int | None:
    """The number of one of our status lists from its URL; None for any other URL (a status
    list is never fetched from elsewhere)."""
    if not url.startswith(settings.SITE_URL.rstrip("/") + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:status_list":
        return None
    return int(match.kwargs["number"])


def bit_at(encoded: str, index: int) -> bool:
    """The bit at `index` of a Bitstring Status List `encodedList` (multibase base64url)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    if index < 0:
        raise IndexError(index)
    return bool(raw[index // 8] & (0x80 >> (index % 8)))
