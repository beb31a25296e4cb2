"""Every e-mail of the site goes through one outbox: written in the transaction, sent after it.

`mail_queue()` writes one `OutgoingMail` row per message (one person, with a copy at most) in the
current transaction and hands it to `mail_deliver()` once the transaction commits: a change
undone sends nothing, a change made sends its mail once. Delivery claims the row with a
conditional UPDATE (two processes never send the same row), sends, then marks it sent; a
failure (the SMTP server down…) leaves it pending with its error, and `mail_flush()` (a beat
task every minute) sends what is left, up to `OutgoingMail.MAX_ATTEMPTS`: resumable, never twice.
`send_templated()` renders `<template>.txt` and `.html` in French and queues one message per
address (no address sees the others).
"""

from __future__ import annotations

import base64
import datetime
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A claim older than this is a sender that died mid-way: the flush takes the row again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# The flush leaves alone what was just queued: its own after-commit delivery is on its way.
FLUSH_GRACE = datetime.timedelta(seconds=30)
FLUSH_LIMIT = 500

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def mail_queue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str = "",
    cc: Sequence[str] = (),
    attachments: Iterable[Attachment] = (),
    kind: str = "",
) -> OutgoingMail | None:
    """Write the message in the current transaction and send it after the commit (None when
    it has no addressee)."""
    addressees = [a for a in to if a]
    if not addressees:
        return None
    mail = OutgoingMail.objects.create(
        kind=kind[:100],
        to=addressees,
        cc=[a for a in cc if a and a not in addressees],
        subject=subject,
        body=body,
        html=html,
        attachments=[
            {"name": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}
            for name, content, mimetype in attachments
        ],
    )
    transaction.on_commit(partial(mail_deliver, mail_id=mail.pk))
    return mail


def mail_queue_message(message: EmailMessage, *, kind: str = "") -> OutgoingMail | None:
    """An EmailMessage built by its app (attachments, HTML alternative) put in the outbox."""
    html = next(
        (
            str(content)
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    attachments = []
    for item in message.attachments:
        name, content, mimetype = item  # built with attach(name, content, mimetype)
        data = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append((str(name), data, str(mimetype or "application/octet-stream")))
    return mail_queue(
        to=list(message.to),
        cc=list(message.cc),
        subject=str(message.subject),
        body=str(message.body),
        html=html,
        attachments=attachments,
        kind=kind,
    )


def send_templated(
    *, template: str, to: str | Sequence[str], subject: str, context: dict[str, Any]
) -> list[OutgoingMail]:
    """`<template>.txt` and `.html` (e.g. "evaluations/email/opinion_invitation") rendered in
    French, one message per address, subject prefixed; sent after the commit."""
    addresses = [to] if isinstance(to, str) else list(to)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    queued = []
    for address in addresses:
        mail = mail_queue(
            to=[address],
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=text,
            html=html,
            kind=template,
        )
        if mail is not None:
            queued.append(mail)
    return queued


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.body, to=list(mail.to), cc=list(mail.cc)
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    for item in mail.attachments:
        message.attach(item["name"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def mail_deliver(*, mail_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one pending message once: True when this call sent it. A failure is recorded on
    the row (for the flush) and logged, never raised: the change it follows is committed."""
    now = now or timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    claimed = (
        OutgoingMail.objects.filter(claimable, pk=mail_id, sent_at__isnull=True)
        .filter(attempts__lt=OutgoingMail.MAX_ATTEMPTS)
        .update(claimed_at=now)
    )
    if not claimed:
        return False  # sent already, being sent, or given up
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        _message(mail).send()
    except Exception as error:  # noqa: BLE001 - any sending failure: kept for the flush
        logger.warning("mail %s not sent (attempt %s): %r", mail_id, mail.attempts + 1, error)
        OutgoingMail.objects.filter(pk=mail_id).update(
            claimed_at=None, attempts=mail.attempts + 1, last_error=repr(error)[:2000]
        )
        return False
    OutgoingMail.objects.filter(pk=mail_id).update(
        sent_at=timezone.now(), attempts=mail.attempts + 1, last_error=""
    )
    return True


def mail_flush(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Send what the after-commit delivery left (a failure, a process gone); safe to run twice."""
    now = now or timezone.now()
    pending = (
        OutgoingMail.objects.filter(sent_at__isnull=True, attempts__lt=OutgoingMail.MAX_ATTEMPTS)
        .filter(created_at__lt=now - FLUSH_GRACE)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:FLUSH_LIMIT]
    )
    sent: list[int] = []
    failed: list[int] = []
    for mail_id in list(pending):
        (sent if mail_deliver(mail_id=mail_id, now=now) else failed).append(mail_id)
    return {"sent": sent, "failed": failed}
