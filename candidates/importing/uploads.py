"""Uploaded import files kept between preview and confirmation.

Each file is stored in the file storage under imports/ with a random name (never the user's), so
the confirmation may reach another web host than the preview; its SHA-256 is remembered by the
caller (the session): confirming re-reads the file, checks the hash and checks every row again
inside the import's transaction, so a file changed or removed in between is refused, never
half-imported. Files older than a day are swept at each upload.
"""

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

MAX_AGE_SECONDS = 24 * 3600
EXTENSIONS = ("csv", "xlsx")
FOLDER = "imports"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    extension: str
    sha256: str


def _name(token: str, extension: str) -> str:
    if not _TOKEN_RE.match(token) or extension not in EXTENSIONS:
        raise FileNotFoundError(token)
    return f"{FOLDER}/{token}.{extension}"


def upload_store(*, data: bytes, extension: str) -> StoredUpload:
    """Write the bytes under a fresh random name; sweep files left by abandoned imports."""
    _sweep()
    token = secrets.token_urlsafe(24)
    default_storage.save(_name(token, extension), ContentFile(data))
    return StoredUpload(token=token, extension=extension, sha256=hashlib.sha256(data).hexdigest())


def upload_read(*, token: str, extension: str, sha256: str) -> bytes:
    """The stored bytes, if present and unchanged; raises FileNotFoundError otherwise."""
    name = _name(token, extension)
    if not default_storage.exists(name):
        raise FileNotFoundError(token)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise FileNotFoundError(token)
    return data


def upload_discard(*, token: str, extension: str) -> None:
    try:
        name = _name(token, extension)
    except FileNotFoundError:  # a malformed token names no file
        return
    default_storage.delete(name)


def _sweep() -> None:
    limit = timezone.now() - datetime.timedelta(seconds=MAX_AGE_SECONDS)
    try:
        filenames = default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:  # no folder yet on disk (object storage has no folders)
        return
    for filename in filenames:
        name = f"{FOLDER}/{filename}"
        if default_storage.get_modified_time(name) < limit:
            default_storage.delete(name)
