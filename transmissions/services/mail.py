"""Addresses and links of this app's e-mails (sent by cqpm.core.mail.send_templated)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from candidates.models import CentreMembership


def absolute_url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def staff_emails(*, centre_id: int) -> list[str]:
    """The addresses of the centre's active staff, each once."""
    emails = (
        User.objects.filter(
            is_active=True,
            centre_memberships__centre_id=centre_id,
            centre_memberships__role=CentreMembership.Role.STAFF,
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(emails)
