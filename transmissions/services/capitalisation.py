"""Capitalisation over time: acquired capacities of a non-admissible candidate stay valid until
`CapacityResult.valid_until` (DESIGN.md §5.6). Two months before that date, the holder and the
centre's staff are told, in French, once per result (a unique row, inserted with the e-mail)."""

from __future__ import annotations

import datetime
from itertools import groupby

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cqpm.core.audit import audit_log
from deliberations.models import CapacityResult, Decision

from ..models import ExpiryNotice
from .mail import absolute_url, send_templated, staff_emails

NOTICE_AHEAD = relativedelta(months=2)


def lapsing_results(*, today: datetime.date):
    """Commission-acquired capacities lapsing within two months, not notified yet, of people
    whose registration is still non-admissible (an admissible one keeps nothing to lapse) and
    who have not obtained the same CQPM since."""
    certified = Decision.objects.filter(
        is_active=True,
        outcome=Decision.Outcome.ADMISSIBLE,
        registration__candidate_id=OuterRef("sheet__registration__candidate_id"),
        registration__campaign__referential__code=OuterRef(
            "sheet__registration__campaign__referential__code"
        ),
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
        .exclude(Exists(certified))
        .select_related(
            "capacity",
            "sheet__registration__candidate",
            "sheet__registration__campaign__centre",
            "sheet__registration__campaign__referential",
        )
        .order_by("sheet__registration_id", "capacity__number")
    )


def expiry_notices_send(*, today: datetime.date | None = None) -> int:
    """E-mail holders and staff about capacities lapsing within two months, once per result;
    returns how many results were notified."""
    today = today or timezone.localdate()
    rows = list(lapsing_results(today=today))
    sent = 0
    for _registration_id, group in groupby(rows, key=lambda r: r.sheet.registration_id):
        sent += _notify(list(group))
    return sent


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
                name="expiry_holder", to=[candidate.email], subject=subject, context=context
            )
        send_templated(
            name="expiry_staff",
            to=staff_emails(centre_id=campaign.centre_id),
            subject=_("Capacités de %(name)s expirant le %(date)s")
            % {"name": candidate, "date": valid_until.strftime("%d/%m/%Y")},
            context={
                **context,
                "registration_url": absolute_url("candidates:registration_detail", registration.pk),
            },
        )
    return len(fresh)
