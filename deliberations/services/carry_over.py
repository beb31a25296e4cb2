"""Capacities acquired by a non-admissible candidate carry over for 24 months (DESIGN.md §5.6).

At the jury's closing (or an amendment) the acquired capacities of non-admissible candidates get
`valid_until` = jury date + 24 months. A later registration of the same person to a campaign of
the same referential code starts with them acquired while they are still valid at its commission.
A lapsed capacity (`valid_until` before today, or before the new commission) never carries over:
`valid_on` is the later of the two dates.

For a CQPM registered in the RNCP, a block whose every capacity was acquired is validated for 5
years from the jury date (`BlockValidation`): its capacities carry over until the block's end.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import DateField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_log
from referentials.models import Block, Referential

from ..models import BlockValidation, CapacityResult, Decision, ResultSheet
from ..rules import block_validity_end, carry_over_end


def acquired_validity_set(
    *, registration_ids: list[int], outcome: str, jury_date: datetime.date
) -> int:
    """Give the commission's acquired capacities their end date (or none when admissible)."""
    valid_until = None if outcome == Decision.Outcome.ADMISSIBLE else carry_over_end(jury_date)
    # Carried-over capacities keep the end date of the jury that granted them: never extended.
    return CapacityResult.objects.filter(
        sheet__registration_id__in=registration_ids,
        source=CapacityResult.Source.COMMISSION,
        outcome=CapacityResult.Outcome.ACQUIRED,
    ).update(valid_until=valid_until)


def validated_blocks(
    *, referential: Referential, results: list[CapacityResult], jury_date: datetime.date
) -> list[tuple[Block, datetime.date, bool]]:
    """(block, validity end, carried over) of each block whose every capacity is acquired in
    `results`, for a CQPM registered in the RNCP (none otherwise): the jury date + 5 years, or,
    when every capacity of the block was carried over, the earliest end they carry (a block
    is never extended by being carried)."""
    if not referential.rncp_registered:
        return []
    acquired = {r.capacity_id: r for r in results if r.outcome == CapacityResult.Outcome.ACQUIRED}
    validated = []
    for block in referential.blocks.prefetch_related("capacities").order_by("position"):
        capacities = list(block.capacities.all())
        if not capacities or any(c.pk not in acquired for c in capacities):
            continue
        rows = [acquired[c.pk] for c in capacities]
        carried = all(r.source == CapacityResult.Source.CARRIED_OVER for r in rows)
        ends = [r.valid_until for r in rows if r.valid_until]
        end = min(ends) if carried and ends else block_validity_end(jury_date)
        validated.append((block, end, carried))
    return validated


def block_validity_set(
    *, registration_ids: list[int], outcome: str, jury_date: datetime.date
) -> int:
    """Record the validated blocks of these registrations (none when admissible: the CQPM is
    obtained); an amendment keeps the rows still true (and the notices sent about them),
    drops the others. Returns how many blocks are validated."""
    sheets = ResultSheet.objects.filter(
        registration_id__in=registration_ids,
        registration__campaign__referential__rncp_registered=True,
    ).select_related("registration__campaign__referential")
    wanted = {}
    if outcome != Decision.Outcome.ADMISSIBLE:
        for sheet in sheets.prefetch_related("results"):
            for block, end, carried in validated_blocks(
                referential=sheet.registration.campaign.referential,
                results=list(sheet.results.all()),
                jury_date=jury_date,
            ):
                wanted[sheet.pk, block.pk] = (end, carried)
    existing = BlockValidation.objects.filter(sheet__registration_id__in=registration_ids)
    for row in existing:
        key = (row.sheet_id, row.block_id)
        if key not in wanted:
            row.delete()
        elif (row.valid_until, row.carried_over, row.jury_date) != (*wanted[key], jury_date):
            row.valid_until, row.carried_over = wanted[key]
            row.jury_date = jury_date
            row.save(update_fields=["valid_until", "carried_over", "jury_date"])
    known = {(row.sheet_id, row.block_id) for row in existing}
    BlockValidation.objects.bulk_create(
        BlockValidation(
            sheet_id=sheet_id,
            block_id=block_id,
            jury_date=jury_date,
            valid_until=end,
            carried_over=carried,
        )
        for (sheet_id, block_id), (end, carried) in wanted.items()
        if (sheet_id, block_id) not in known
    )
    return len(wanted)


class _Effective(TypedDict):
    effective_until: datetime.date | None  # the block's end, else the capacity's own


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    StillValid = WithAnnotations[CapacityResult, _Effective]


def still_valid_on(
    queryset: QuerySet[CapacityResult], day: datetime.date | Combinable
) -> QuerySet[StillValid]:
    """Acquired capacities still valid on `day` (a date or an expression), annotated
    `effective_until`: the end of the validated block holding the capacity on the same sheet,
    else the capacity's own end (a block's end is never the earlier one)."""
    block_end = BlockValidation.objects.filter(
        sheet_id=OuterRef("sheet_id"), block_id=OuterRef("capacity__block_id")
    ).values("valid_until")[:1]
    return queryset.annotate(
        effective_until=Coalesce(Subquery(block_end), F("valid_until"), output_field=DateField())
    ).filter(effective_until__gte=day)


def valid_on(
    *, commission_starts: datetime.date, today: datetime.date | None = None
) -> datetime.date:
    """The day a capacity must still be valid on to carry over: its new commission, and never a
    day already past (a capacity lapsed today is not carried over to a commission that began)."""
    return max(commission_starts, today or timezone.localdate())


def _origins(*, registration: Registration) -> dict[int, StillValid]:
    """The latest-ending still-valid acquired capacity of the same person, by capacity number.

    One query, through subqueries on the campaign: it runs on every new registration.
    """
    campaign = Campaign.objects.filter(pk=registration.campaign_id)
    today = timezone.localdate()
    rows = (
        still_valid_on(
            CapacityResult.objects.filter(
                sheet__registration__candidate_id=registration.candidate_id,
                sheet__registration__campaign__referential__code=Subquery(
                    campaign.values("referential__code")[:1]
                ),
                source=CapacityResult.Source.COMMISSION,
                outcome=CapacityResult.Outcome.ACQUIRED,
            ),
            Greatest(
                Subquery(campaign.values("commission_starts")[:1]),
                Value(today, output_field=DateField()),
            ),
        )
        .exclude(sheet__registration_id=registration.pk)
        .select_related("capacity", "sheet__registration__campaign")
        .order_by("effective_until", "pk")
    )
    return {row.capacity.number: row for row in rows}


def carry_over_for(*, registration: Registration, by: User | None = None) -> list[CapacityResult]:
    """Start a registration with the capacities its person acquired earlier and still valid at
    its commission date (same referential code, same capacity number); safe to run twice."""
    origins = _origins(registration=registration)
    if not origins:
        return []
    capacities = {c.number: c for c in registration.campaign.referential.capacities.all()}
    with transaction.atomic():
        sheet, _created = ResultSheet.objects.get_or_create(registration=registration)
        if sheet.is_validated:
            return []
        present = set(sheet.results.values_list("capacity__number", flat=True))
        rows = [
            CapacityResult(
                sheet=sheet,
                capacity=capacities[number],
                outcome=CapacityResult.Outcome.ACQUIRED,
                justification=_carried_justification(origin),
                source=CapacityResult.Source.CARRIED_OVER,
                carried_from=origin,
                valid_until=origin.effective_until,
                decided_by=None,
            )
            for number, origin in sorted(origins.items())
            if number in capacities and number not in present
        ]
        if not rows:
            return []
        CapacityResult.objects.bulk_create(rows)
        # A results form read before this carry-over is stale now.
        ResultSheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
        audit_log(
            action="cqpm.commission.result.carried_over",
            obj=sheet,
            by=by,
            data={
                "capacities": [row.capacity.number for row in rows],
                "from": [row.carried_from_id for row in rows],
                "valid_until": [row.valid_until and row.valid_until.isoformat() for row in rows],
            },
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
    return rows


def _carried_justification(origin: StillValid) -> str:
    end = origin.effective_until
    return _("Acquise lors de la campagne « %(campaign)s », valable jusqu'au %(date)s.") % {
        "campaign": origin.sheet.registration.campaign.name,
        "date": end.strftime("%d/%m/%Y") if end else "",
    }


def carry_over_for_campaign(*, campaign: Campaign, by: User | None = None) -> int:
    """Carry over for every registration of a campaign (after a bulk import); returns the
    number of capacities carried over."""
    candidates_with_history = still_valid_on(
        CapacityResult.objects.filter(
            sheet__registration__campaign__referential__code=campaign.referential.code,
            source=CapacityResult.Source.COMMISSION,
            outcome=CapacityResult.Outcome.ACQUIRED,
        ),
        valid_on(commission_starts=campaign.commission_starts),
    ).values("sheet__registration__candidate_id")
    registrations = (
        campaign.registrations.filter(candidate_id__in=candidates_with_history)
        .exclude(stage=Registration.Stage.WITHDRAWN)
        .select_related("campaign__referential")
    )
    return sum(len(carry_over_for(registration=r, by=by)) for r in registrations)


def carry_over_on_created(
    *, campaign: Campaign, registrations: Sequence[Registration], by: User | None = None
) -> None:
    """Lifecycle hook (candidates.registrations_created): new registrations start with their
    person's still-valid acquired capacities, in the transaction that creates them."""
    if len(registrations) == 1:
        carry_over_for(registration=registrations[0], by=by)
    else:
        carry_over_for_campaign(campaign=campaign, by=by)
