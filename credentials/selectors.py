"""Reads of credentials: by the verification code of the certificate they come with."""

from __future__ import annotations

from .models import Credential


def credential_for_code(*, code: str) -> Credential | None:
    """The credential of the certificate a verification code designates (delivered or revoked)."""
    return (
        Credential.objects.filter(document__verification_code=code)
        .exclude(document__sha256="")
        .select_related("document")
        .first()
    )
