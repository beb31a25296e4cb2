"""Object storage (S3-compatible: AWS, MinIO, Ceph, Scaleway, OVH…) for several hosts.

Kept apart from cqpm.core.storage so that processes on the filesystem never load boto3.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from storages.backends.s3 import S3Storage as BaseS3Storage


class S3Storage(BaseS3Storage):  # type: ignore[misc]  # django-storages ships no types
    """django-storages' S3 backend, plus `replace`: the object is overwritten by one PUT (or one
    multipart upload), which S3 publishes only once complete — never half-written."""

    def replace(self, name: str, content: File[Any]) -> str:
        return str(self._save(name, content))
