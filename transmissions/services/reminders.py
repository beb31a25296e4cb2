"""Reminders to the centre's staff before the pack's due date: one month, then one week before,
while it is not sent. Each reminder is a unique row inserted before the e-mail goes, in the
same transaction: a second run (or a second worker) sends nothing more."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqpm.core.audit import audit_log
from cqpm.core.mail import send_templated

from ..models import PackReminder, TransmissionPack
from .mail import absolute_url, staff_emails

# Most urgent first: when both thresholds are passed, only the nearer one is sent.
THRESHOLDS = (
    (PackReminder.Kind.WEEK, relativedelta(days=7)),
    (PackReminder.Kind.MONTH, relativedelta(months=1)),
)


def reminder_kind_due(*, due_on: datetime.date, today: datetime.date) -> str | None:
    """The reminder the date calls for (None before a month ahead, and once the date passed)."""
    if today > due_on:
        return None
    for kind, ahead in THRESHOLDS:
        if today >= due_on - ahead:
            return kind
    return None


def pack_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail staff about every pack not sent whose due date is a month or a week away; each
    reminder once; returns how many reminders were recorded."""
    today = today or timezone.localdate()
    packs = TransmissionPack.objects.filter(
        status__in=TransmissionPack.PENDING,
        due_on__gte=today,
        due_on__lte=today + relativedelta(months=1),
    ).select_related("session__campaign__centre", "session__campaign__referential")
    return sum(_remind(pack, today=today) for pack in packs)


def _remind(pack: TransmissionPack, *, today: datetime.date) -> bool:
    kind = reminder_kind_due(due_on=pack.due_on, today=today)
    if kind is None:
        return False
    centre_id = pack.session.campaign.centre_id
    recipients = staff_emails(centre_id=centre_id)
    with transaction.atomic():
        reminder, created = PackReminder.objects.get_or_create(
            pack=pack, kind=kind, due_on=pack.due_on, defaults={"recipients": len(recipients)}
        )
        if not created:
            return False
        audit_log(
            action="cqpm.transmissions.pack.reminded",
            obj=pack,
            data={
                "reminder": kind,
                "due_on": pack.due_on.isoformat(),
                "recipients": len(recipients),
            },
            centre_id=centre_id,
        )
        # Sent inside the transaction: if sending fails, the row goes too and tomorrow retries.
        send_templated(
            template="transmissions/email/pack_reminder",
            to=recipients,
            subject=_("Transmission au GTP à faire avant le %(date)s — jury du %(jury)s")
            % {
                "date": pack.due_on.strftime("%d/%m/%Y"),
                "jury": pack.session.date.strftime("%d/%m/%Y"),
            },
            context={
                "pack": pack,
                "session": pack.session,
                "campaign": pack.session.campaign,
                "kind": kind,
                "days_left": (pack.due_on - today).days,
                "tracker_url": absolute_url("transmissions:tracker", pack.session_id),
            },
        )
    return True
