"""Reads of credentials: public ones by a document's verification code, staff ones by centre."""

from __future__ import annotations

from django.db.models import QuerySet

from candidates.selectors import staff_centre_ids

from .models import Credential


def credential_for_code(*, code: str) -> Credential | None:
    """The credential of the certificate a verification code designates (delivered or revoked)."""
    return (
        Credential.objects.filter(document__verification_code=code)
        .exclude(document__sha256="")
        .select_related("document")
        .first()
    )


def credential_list_for(*, user) -> QuerySet[Credential]:
    return Credential.objects.filter(
        decision__session__campaign__centre_id__in=staff_centre_ids(user=user)
    ).select_related("document")
