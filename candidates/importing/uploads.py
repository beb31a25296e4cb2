"""Uploaded import files kept between preview and confirmation.

Each file is stored under MEDIA_ROOT/imports/ with a random name (never the user's), and its
SHA-256 is remembered by the caller (the session): confirming re-reads the file, checks the hash
and checks every row again inside the import's transaction, so a file changed or removed in
between is refused, never half-imported. Files older than a day are swept at each upload.
"""

import contextlib
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
EXTENSIONS = ("csv", "xlsx")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    extension: str
    sha256: str


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str, extension: str) -> Path:
    if not _TOKEN_RE.match(token) or extension not in EXTENSIONS:
        raise FileNotFoundError(token)
    return _folder() / f"{token}.{extension}"


def upload_store(*, data: bytes, extension: str) -> StoredUpload:
    """Write the bytes under a fresh random name; sweep files left by abandoned imports."""
    _sweep()
    token = secrets.token_urlsafe(24)
    path = _path(token, extension)
    path.write_bytes(data)
    path.chmod(0o600)
    return StoredUpload(token=token, extension=extension, sha256=hashlib.sha256(data).hexdigest())


def upload_read(*, token: str, extension: str, sha256: str) -> bytes:
    """The stored bytes, if present and unchanged; raises FileNotFoundError otherwise."""
    data = _path(token, extension).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise FileNotFoundError(token)
    return data


def upload_discard(*, token: str, extension: str) -> None:
    with contextlib.suppress(FileNotFoundError):  # a malformed token names no file
        _path(token, extension).unlink(missing_ok=True)


def _sweep() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _folder().glob("*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
