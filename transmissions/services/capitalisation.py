"""Capitalisation over time: acquired capacities of a non-admissible candidate stay valid until
`CapacityResult.valid_until`, validated blocks of a CQPM registered in the RNCP until
`BlockValidation.valid_until` (DESIGN.md §5.6). Two months before that date, the holder and the
centre's staff are told, in French, once per result and once per block (a unique row, inserted
with the e-mail). A capacity of a validated block lapses with its block: told with the block."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Generic, TypeVar

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cqpm.core.audit import audit_log
from cqpm.core.mail import send_templated
from deliberations.models import BlockValidation, CapacityResult, Decision

from ..models import BlockExpiryNotice, ExpiryNotice
from .mail import absolute_url, staff_emails

NOTICE_AHEAD = relativedelta(months=2)

Lapsing = TypeVar("Lapsing", CapacityResult, BlockValidation)


@dataclass(frozen=True)
class Notice(Generic[Lapsing]):
    """One of the two expiry notices (acquired capacities, validated blocks): the one row that
    keeps it sent once per lapsing item, its audit entry and its e-mails."""

    model: type[ExpiryNotice] | type[BlockExpiryNotice]
    field: str  # the notice's one-to-one to the lapsing item
    action: str  # the audit event
    listed: str  # the audit data's key for the items…
    name: Callable[[Lapsing], int | str]  # …each named by this
    context: str  # the e-mails' name for the items
    template: str  # the e-mails: `<template>_holder` and `<template>_staff`
    holder_subject: str  # French, translated when sent: %(code)s, %(date)s
    staff_subject: str  # %(name)s, %(date)s


CAPACITIES: Notice[CapacityResult] = Notice(
    model=ExpiryNotice,
    field="result",
    action="cqpm.transmissions.capacities.expiry_notified",
    listed="capacities",
    name=lambda result: result.capacity.number,
    context="results",
    template="transmissions/email/expiry",
    holder_subject=gettext_noop("Vos capacités acquises du CQPM %(code)s expirent le %(date)s"),
    staff_subject=gettext_noop("Capacités de %(name)s expirant le %(date)s"),
)
BLOCKS: Notice[BlockValidation] = Notice(
    model=BlockExpiryNotice,
    field="validation",
    action="cqpm.transmissions.blocks.expiry_notified",
    listed="blocks",
    name=lambda validation: validation.block.code,
    context="blocks",
    template="transmissions/email/block_expiry",
    holder_subject=gettext_noop("Vos blocs de compétences du CQPM %(code)s expirent le %(date)s"),
    staff_subject=gettext_noop("Blocs de compétences de %(name)s expirant le %(date)s"),
)


def _certified_since() -> Exists:
    """The same person obtained the same CQPM (a decision in force): nothing to tell."""
    return Exists(
        Decision.objects.filter(
            is_active=True,
            outcome=Decision.Outcome.ADMISSIBLE,
            registration__candidate_id=OuterRef("sheet__registration__candidate_id"),
            registration__campaign__referential__code=OuterRef(
                "sheet__registration__campaign__referential__code"
            ),
        )
    )


def lapsing_results(*, today: datetime.date) -> QuerySet[CapacityResult]:
    """Commission-acquired capacities lapsing within two months, not notified yet, of people
    whose registration is still non-admissible (an admissible one keeps nothing to lapse) and
    who have not obtained the same CQPM since; a capacity of a validated block stays valid
    with its block and is left out."""
    in_validated_block = BlockValidation.objects.filter(
        sheet_id=OuterRef("sheet_id"), block_id=OuterRef("capacity__block_id")
    )
    return (
        CapacityResult.objects.filter(
            source=CapacityResult.Source.COMMISSION,
            outcome=CapacityResult.Outcome.ACQUIRED,
            valid_until__gte=today,
            valid_until__lte=today + NOTICE_AHEAD,
            expiry_notice__isnull=True,
            sheet__registration__decisions__is_active=True,
            sheet__registration__decisions__outcome=Decision.Outcome.NOT_ADMISSIBLE,
        )
        .exclude(_certified_since())
        .exclude(Exists(in_validated_block))
        .select_related(
            "capacity",
            "sheet__registration__candidate",
            "sheet__registration__campaign__centre",
            "sheet__registration__campaign__referential",
        )
        .order_by("sheet__registration_id", "capacity__number")
    )


def lapsing_blocks(*, today: datetime.date) -> QuerySet[BlockValidation]:
    """Validated blocks lapsing within two months, not notified yet, under the same conditions
    as the capacities; a block carried over keeps the end (and the notice) of where it was
    validated."""
    return (
        BlockValidation.objects.filter(
            carried_over=False,
            valid_until__gte=today,
            valid_until__lte=today + NOTICE_AHEAD,
            expiry_notice__isnull=True,
            sheet__registration__decisions__is_active=True,
            sheet__registration__decisions__outcome=Decision.Outcome.NOT_ADMISSIBLE,
        )
        .exclude(_certified_since())
        .select_related(
            "block",
            "sheet__registration__candidate",
            "sheet__registration__campaign__centre",
            "sheet__registration__campaign__referential",
        )
        .order_by("sheet__registration_id", "block__position")
    )


def expiry_notices_send(*, today: datetime.date | None = None) -> int:
    """E-mail holders and staff about capacities and validated blocks lapsing within two
    months, once per result and once per block; returns how many were notified."""
    today = today or timezone.localdate()
    rows = list(lapsing_results(today=today))
    sent = 0
    for _registration_id, group in groupby(rows, key=lambda r: r.sheet.registration_id):
        sent += _notify(list(group), CAPACITIES)
    blocks = list(lapsing_blocks(today=today))
    for _registration_id, block_group in groupby(blocks, key=lambda b: b.sheet.registration_id):
        sent += _notify(list(block_group), BLOCKS)
    return sent


def _notify(items: list[Lapsing], notice: Notice[Lapsing]) -> int:
    """Tell the holder (when they have an e-mail) and the centre's staff about one person's
    lapsing items, those not told yet; returns how many were."""
    registration = items[0].sheet.registration
    candidate, campaign = registration.candidate, registration.campaign
    with transaction.atomic():
        # Rows first: an item notified by a concurrent run is skipped (unique per item).
        fresh = [
            item
            for item in items
            if notice.model._default_manager.get_or_create(
                **{notice.field: item},
                defaults={"valid_until": item.valid_until, "to_holder": bool(candidate.email)},
            )[1]
        ]
        if not fresh:
            return 0
        valid_until = min(item.valid_until for item in fresh if item.valid_until)
        audit_log(
            action=notice.action,
            obj=registration,
            data={
                notice.listed: [notice.name(item) for item in fresh],
                "valid_until": valid_until.isoformat(),
                "holder": bool(candidate.email),
            },
            registration_id=registration.pk,
            centre_id=campaign.centre_id,
        )
        context = {
            "candidate": candidate,
            "campaign": campaign,
            "referential": campaign.referential,
            notice.context: fresh,
            "valid_until": valid_until,
        }
        date = valid_until.strftime("%d/%m/%Y")
        if candidate.email:
            send_templated(
                template=f"{notice.template}_holder",
                to=[candidate.email],
                subject=_(notice.holder_subject)
                % {"code": campaign.referential.code, "date": date},
                context=context,
            )
        send_templated(
            template=f"{notice.template}_staff",
            to=staff_emails(centre_id=campaign.centre_id),
            subject=_(notice.staff_subject) % {"name": candidate, "date": date},
            context={
                **context,
                "registration_url": absolute_url("candidates:registration_detail", registration.pk),
            },
        )
    return len(fresh)
