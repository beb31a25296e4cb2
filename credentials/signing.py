"""VC-JWT (VC-JOSE-COSE): the credential itself is the JWS payload, signed with the issuer's
current key, `kid` a DID URL that resolves in the DID document."""

from __future__ import annotations

import json
import warnings
from typing import Any

from joserfc import jws
from joserfc.errors import SecurityWarning

from .keys import ALGORITHM, signing_key

MEDIA_TYPE = "application/vc+jwt"


def payload_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(payload: dict[str, Any]) -> tuple[str, str]:
    """The compact JWS of `payload` and the kid that signed it."""
    key = signing_key()
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "kid": key.kid}
    with warnings.catch_warnings():
        # joserfc flags "EdDSA" (RFC 9864 prefers "Ed25519"); verifiers still expect EdDSA.
        warnings.simplefilter("ignore", SecurityWarning)
        token = jws.serialize_compact(
            header, payload_bytes(payload), key.private, algorithms=[ALGORITHM]
        )
    return token, key.kid
