"""Capitalisation over time: acquired capacities of a non-admissible candidate stay valid until
`CapacityResult.valid_until`, validated blocks of a CQPM registered in the RNCP until
`BlockValidation.valid_until` (DESIGN.md §5.6). Two months before that date, the holder and the
centre's staff are told, in French, once per result and once per block (a unique row, inserted
with the e-mail). A capacity of a validated block lapses with its block: told with the block."""

from __future__ import annotations

import datetime
from itertools import groupby

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cqpm.core.audit import audit_log
from cqpm.core.mail import send_templated
from deliberations.models import BlockValidation, CapacityResult, Decision

from ..models import BlockExpiryNotice, ExpiryNotice
from .mail import absolute_url, staff_emails

NOTICE_AHEAD = relativedelta(months=2)


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
        sent += _notify(list(group))
    blocks = list(lapsing_blocks(today=today))
    for _registration_id, block_group in groupby(blocks, key=lambda b: b.sheet.registration_id):
        sent += _notify_blocks(list(block_group))
    return sent


def _notify_blocks(validations: list[BlockValidation]) -> int:
    registration = validations[0].sheet.registration
    candidate, campaign = registration.candidate, registration.campaign
    with transaction.atomic():
        fresh = [
            validation
            for validation in validations
            if BlockExpiryNotice.objects.get_or_create(
                validation=validation,
                defaults={
                    "valid_until": validation.valid_until,
                    "to_holder": bool(candidate.email),
                },
            )[1]
        ]
        if not fresh:
            return 0
        valid_until = min(v.valid_until for v in fresh)
        audit_log(
            action="cqpm.transmissions.blocks.expiry_notified",
            obj=registration,
            data={
                "blocks": [v.block.code for v in fresh],
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
            "blocks": fresh,
            "valid_until": valid_until,
        }
        if candidate.email:
            send_templated(
                template="transmissions/email/block_expiry_holder",
                to=[candidate.email],
                subject=_("Vos blocs de compétences du CQPM %(code)s expirent le %(date)s")
                % {"code": campaign.referential.code, "date": valid_until.strftime("%d/%m/%Y")},
                context=context,
            )
        send_templated(
            template="transmissions/email/block_expiry_staff",
            to=staff_emails(centre_id=campaign.centre_id),
            subject=_("Blocs de compétences de %(name)s expirant le %(date)s")
            % {"name": candidate, "date": valid_until.strftime("%d/%m/%Y")},
            context={
                **context,
                "registration_url": absolute_url("candidates:registration_detail", registration.pk),
            },
        )
    return len(fresh)


def _notify(results: list[CapacityResult]) -> int:
    registration = results[0].sheet.registration
    candidate, campaign = registration.candidate, registration.campaign
    with transaction.atomic():
        # Rows first: a result notified by a concurrent run is skipped (unique per result).
        fresh = [
            result
            for result in results
            if ExpiryNotice.objects.get_or_create(
                result=result,
                defaults={"valid_until": result.valid_until, "to_holder": bool(candidate.email)},
            )[1]
        ]
        if not fresh:
            return 0
        valid_until = min(r.valid_until for r in fresh if r.valid_until)
        audit_log(
            action="cqpm.transmissions.capacities.expiry_notified",
            obj=registration,
            data={
                "capacities": [r.capacity.number for r in fresh],
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
            "results": fresh,
            "valid_until": valid_until,
        }
        subject = _("Vos capacités acquises du CQPM %(code)s expirent le %(date)s") % {
            "code": campaign.referential.code,
            "date": valid_until.strftime("%d/%m/%Y"),
        }
        if candidate.email:
            send_templated(
                template="transmissions/email/expiry_holder",
                to=[candidate.email],
                subject=subject,
                context=context,
            )
        send_templated(
            template="transmissions/email/expiry_staff",
            to=staff_emails(centre_id=campaign.centre_id),
            subject=_("Capacités de %(name)s expirant le %(date)s")
            % {"name": candidate, "date": valid_until.strftime("%d/%m/%Y")},
            context={
                **context,
                "registration_url": absolute_url("candidates:registration_detail", registration.pk),
            },
        )
    return len(fresh)
