"""VC-JWT: the credential itself is the JWS payload (VC-JOSE-COSE), with the registered claims
OB 3.0 §8.2 asks of a JWT proof beside it (`iss`, `jti`, `nbf`, `sub`, and `exp` when the
credential ends), header `typ: JWT`; signed ES256 with the issuer's current key, `kid` a DID URL
that resolves in the DID document."""

from __future__ import annotations

import datetime
import json
import warnings
from typing import Any

from joserfc import jws
from joserfc.errors import SecurityWarning

from .keys import signing_key

MEDIA_TYPE = "application/vc+jwt"


def payload_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _epoch(instant: Any) -> int | None:
    if not isinstance(instant, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(parsed.timestamp())


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """OB 3.0 §8.2.4.1: iss = issuer.id, jti = id, nbf = validFrom, sub =
    credentialSubject.id, exp = validUntil (each only when the credential has it)."""
    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject")
    claims = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "nbf": _epoch(credential.get("validFrom")),
        "sub": subject.get("id") if isinstance(subject, dict) else None,
        "exp": _epoch(credential.get("validUntil")),
    }
    return {name: value for name, value in claims.items() if value is not None}


def sign(payload: dict[str, Any]) -> tuple[str, str]:
    """The compact JWS of `payload` (with its JWT claims) and the kid that signed it."""
    key = signing_key()
    header = {"alg": key.algorithm, "typ": "JWT", "kid": key.kid}
    with warnings.catch_warnings():
        # joserfc flags "EdDSA" (RFC 9864 prefers "Ed25519"): only older Ed25519 keys sign so.
        warnings.simplefilter("ignore", SecurityWarning)
        token = jws.serialize_compact(
            header,
            payload_bytes({**payload, **jwt_claims(payload)}),
            key.private,
            algorithms=[key.algorithm],
        )
    return token, key.kid
