"""Stored files (uploads, generated documents, archives) through Django's storage API only.

Two backends, chosen by the environment in settings (`file_storages`): the local filesystem
(MEDIA_ROOT, the embedded default) or an S3-compatible object storage (production, several
hosts). Both add one operation, `replace`: write a file under a fixed name so that readers see
the previous file or the whole new one, never a half-written one — a rename of a temporary file
on the filesystem, a single PUT on object storage (an object is visible only once uploaded).
Callers never see a filesystem path: they go through `default_storage`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.storage import Storage, default_storage


class FileSystemStorage(DjangoFileSystemStorage):
    """Django's filesystem storage, plus `replace` by temporary file and atomic rename."""

    def replace(self, name: str, content: File[Any]) -> str:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_permissions_mode or 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name


def storage_replace(
    name: str, content: bytes | IO[bytes], *, storage: Storage | None = None
) -> str:
    """Write `content` under `name` in the (default) storage, replacing any previous file
    atomically; ImproperlyConfigured if the backend cannot."""
    storage = storage if storage is not None else default_storage
    replace = getattr(storage, "replace", None)
    if replace is None:
        raise ImproperlyConfigured(
            "STORAGES['default'] doit être cqpm.core.storage.FileSystemStorage ou "
            "cqpm.core.storage_s3.S3Storage."
        )
    if isinstance(content, bytes):
        return str(replace(name, ContentFile(content)))
    content.seek(0)
    return str(replace(name, File(content)))
