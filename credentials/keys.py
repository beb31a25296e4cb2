"""The issuer's identity: `did:web` on SITE_URL's host, its signing keys and its DID document.

Keys live in a JSON file (`CREDENTIALS_KEY_FILE`, mode 0600, made by `manage.py
credentials_keygen`) or in the same JSON in `CREDENTIALS_KEYS`:

    {"keys": [{"id": "key-1", "created": "2027-01-05T10:00:00+00:00", "active": true,
               "jwk": {"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "d": "…"}}]}

Keys are P-256 (ES256, what 1EdTech's validator and most verifiers accept; made by
`credentials_keygen` since the VC-JWT was brought to OB3 §8.2) or Ed25519 (EdDSA, the keys
made before: still published, so what they signed still verifies). The last active P-256 key
signs (the last active key of any type if there is none, until `credentials_keygen` adds
one); every key of the file is published in the DID document, so that a credential signed
before a rotation still verifies. Removing an entry from the file withdraws the
key: what it signed then fails verification ("clé inconnue"). The private part never leaves this
module but to sign: no repr, no log, no database column holds it.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import ECKey, OKPKey

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
ALGORITHM = "ES256"  # what new keys sign with
LEGACY_ALGORITHM = "EdDSA"  # Ed25519 keys made before ES256
ALGORITHMS = (ALGORITHM, LEGACY_ALGORITHM)
# The JWK members each key type publishes (never "d").
PUBLIC_MEMBERS = {"EC": ("kty", "crv", "x", "y"), "OKP": ("kty", "crv", "x")}


class MissingIssuerKey(ImproperlyConfigured):
    """No key source is configured, or it holds no active key."""


@dataclass(frozen=True)
class IssuerKey:
    id: str
    created: str
    active: bool
    # The private JWK: kept out of repr (and so out of tracebacks' locals and logs).
    private: ECKey | OKPKey = field(repr=False, compare=False)

    @property
    def kid(self) -> str:
        return f"{issuer_did()}#{self.id}"

    @property
    def algorithm(self) -> str:
        return ALGORITHM if isinstance(self.private, ECKey) else LEGACY_ALGORITHM

    def public_jwk(self) -> dict[str, Any]:
        jwk = self.private.as_dict(private=False)
        return {k: jwk[k] for k in PUBLIC_MEMBERS[str(jwk["kty"])]}


def import_jwk(jwk: dict[str, Any]) -> ECKey | OKPKey:
    """A P-256 or Ed25519 JWK (private or public); ValueError for any other kind."""
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        return ECKey.import_key(jwk)
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return OKPKey.import_key(jwk)
    raise ValueError("unsupported key type")


def algorithm_of(key: ECKey | OKPKey) -> str:
    return ALGORITHM if isinstance(key, ECKey) else LEGACY_ALGORITHM


_cache: dict[tuple[Any, ...], list[IssuerKey]] = {}
_lock = threading.Lock()


def issuer_did() -> str:
    """`did:web:<host>` of SITE_URL, the port percent-encoded (did:web method, §3.1)."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or "localhost"
    if parts.port:
        host = f"{host}%3A{parts.port}"
    return f"did:web:{quote(host, safe='%.-')}"


def _source() -> tuple[str, Any]:
    if settings.CREDENTIALS_KEYS:
        return "setting", settings.CREDENTIALS_KEYS
    path = Path(settings.CREDENTIALS_KEY_FILE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "none", None
    return "file", (str(path), stat.st_mtime_ns, stat.st_size)


def _parse(raw: str) -> list[IssuerKey]:
    try:
        entries = json.loads(raw)["keys"]
        keys = [
            IssuerKey(
                id=str(entry["id"]),
                created=str(entry.get("created", "")),
                active=bool(entry.get("active", False)),
                private=import_jwk(entry["jwk"]),
            )
            for entry in entries
        ]
    except Exception as exc:  # a bad key file must not echo its content
        raise ImproperlyConfigured(
            f"Clés de signature des badges illisibles ({type(exc).__name__})."
        ) from None
    for key in keys:
        if not key.private.is_private:
            raise ImproperlyConfigured(
                f"La clé {key.id} n'est pas une clé privée P-256 ou Ed25519."
            )
    return keys


def issuer_keys() -> list[IssuerKey]:
    """Every key of the configured source (cached until the file changes); [] when none."""
    kind, marker = _source()
    if kind == "none":
        return []
    cache_key = (kind, marker)
    keys = _cache.get(cache_key)
    if keys is None:
        with _lock:
            raw = marker if kind == "setting" else Path(marker[0]).read_text(encoding="utf-8")
            keys = _parse(raw)
            _cache.clear()
            _cache[cache_key] = keys
    return keys


def keys_configured() -> bool:
    return any(key.active for key in issuer_keys())


def es256_configured() -> bool:
    """Whether an active P-256 key signs (`credentials_keygen --if-missing` adds one if not)."""
    return any(key.active and key.algorithm == ALGORITHM for key in issuer_keys())


def signing_key() -> IssuerKey:
    """The key that signs now: the last active P-256 key, else the last active key (an older
    Ed25519 file not rotated yet); MissingIssuerKey if there is none."""
    active = [key for key in issuer_keys() if key.active]
    if not active:
        raise MissingIssuerKey(
            "Aucune clé active pour signer les badges : lancez « manage.py credentials_keygen »."
        )
    es256 = [key for key in active if key.algorithm == ALGORITHM]
    return (es256 or active)[-1]


def did_document() -> dict[str, Any]:
    """The DID document served at /.well-known/did.json: every published key as a JWK."""
    did = issuer_did()
    methods = [
        {
            "id": key.kid,
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": key.public_jwk(),
        }
        for key in issuer_keys()
    ]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def key_generate(*, path: Path) -> IssuerKey:
    """Add a new active P-256 key to the key file (made 0600), the older ones kept published
    but no longer signing. Returns the new key."""
    path = Path(path)
    entries: list[dict[str, Any]] = []
    if path.is_file():
        entries = json.loads(path.read_text(encoding="utf-8"))["keys"]
    numbers = [int(e["id"].rsplit("-", 1)[-1]) for e in entries if e["id"].startswith("key-")]
    key_id = f"key-{max(numbers, default=0) + 1}"
    private = ECKey.generate_key("P-256", auto_kid=False)
    for entry in entries:
        entry["active"] = False
    entries.append(
        {
            "id": key_id,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "active": True,
            "jwk": private.as_dict(private=True),
        }
    )
    _write_private(path, json.dumps({"keys": entries}, indent=2))
    return _parse(path.read_text(encoding="utf-8"))[-1]


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
