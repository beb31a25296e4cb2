"""French e-mails of this app, plain text and HTML, from transmissions/email/<name>.txt|.html."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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


def send_templated(*, name: str, to: list[str], subject: str, context: dict[str, Any]) -> None:
    """One message to each address (no address sees the others)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        text = render_to_string(f"transmissions/email/{name}.txt", context)
        html = render_to_string(f"transmissions/email/{name}.html", context)
    for address in to:
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[address]
        )
        message.attach_alternative(html, "text/html")
        message.send()
