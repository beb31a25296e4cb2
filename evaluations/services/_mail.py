"""French e-mails, plain text and HTML, rendered from evaluations/email/<name>.txt|.html."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def absolute_url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def send_templated(*, name: str, to: str, subject: str, context: dict[str, Any]) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"evaluations/email/{name}.txt", context)
    html = render_to_string(f"evaluations/email/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[to]
    )
    message.attach_alternative(html, "text/html")
    message.send()
