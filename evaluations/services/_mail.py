"""Links in this app's e-mails (sent by cqpm.core.mail.send_templated, the one outbox)."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args: int | str) -> str:
    return settings.SITE_URL + reverse(name, args=args)
