"""The signature of a delivery: HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>".

Header: `X-CQPM-Signature: t=<unix seconds>,v1=<hex digest>`. The timestamp is signed with the
body so that a receiver can refuse an old message played again (a tolerance of 5 minutes is
usual). This is the same scheme as Stripe's, so existing verification code fits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_HEADER = "X-CQPM-Signature"
EVENT_HEADER = "X-CQPM-Event"
DELIVERY_HEADER = "X-CQPM-Delivery"


def canonical_body(payload: dict[str, Any]) -> bytes:
    """The bytes sent and signed: compact JSON, sorted keys, UTF-8 (the same on every attempt)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def verify(*, secret: str, header: str, body: bytes) -> bool:
    """What a receiver does: recompute the signature of the header's timestamp and compare."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields or not fields["t"].isdigit():
        return False
    expected = signature(secret=secret, timestamp=int(fields["t"]), body=body)
    return hmac.compare_digest(expected, fields["v1"])
