"""Reads of the statistics, scoped to the person: the branch reaches every centre, a centre's
staff their own centres, anyone else nothing. Every figure is a SQL aggregate over the
per-session counts (stats.models), a constant number of queries whatever the volume."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from candidates.models import ExamCentre
from cqpm.core.access import holds, scope, scope_ids
from deliberations.models import Decision
from transmissions.models import PackSending, TransmissionPack

from .models import CapacityCount, OutcomeCount

if TYPE_CHECKING:
    from accounts.models import User

ADMISSIBLE = Decision.Outcome.ADMISSIBLE
NOT_ADMISSIBLE = Decision.Outcome.NOT_ADMISSIBLE
ABSENT = (Decision.Outcome.ABSENT, Decision.Outcome.EXCUSED)


def is_branch(user: User) -> bool:
    """Reads every centre's statistics and the packs sent to the GTP (the branch's role)."""
    return holds(user, "pack.receive")


@dataclass(frozen=True)
class Scope:
    """The centres a person's statistics cover: None for every centre (the branch)."""

    centre_ids: tuple[int, ...] | None

    @property
    def national(self) -> bool:
        return self.centre_ids is None


def statistics_scope_for(*, user: User) -> Scope | None:
    """The branch: every centre; staff: their centres; anyone else: None (404)."""
    if is_branch(user):
        return Scope(centre_ids=None)
    if not holds(user, "statistics.read"):
        return None
    # The rows scope(user, "statistics.read") selects, read from the roles' filters (no query).
    return Scope(centre_ids=tuple(scope_ids(user, "statistics.read")))


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    cqpm: str = ""
    centre: int | None = None
    pathway: str = ""


Counted = TypeVar("Counted", OutcomeCount, CapacityCount)


def _counts(model: type[Counted], scope: Scope, filters: Filters) -> QuerySet[Counted]:
    qs: QuerySet[Counted] = model._default_manager.all()
    if scope.centre_ids is not None:
        qs = qs.filter(centre_id__in=scope.centre_ids)
    if filters.centre:
        qs = qs.filter(centre_id=filters.centre)
    if filters.cqpm:
        qs = qs.filter(referential_code=filters.cqpm)
    if filters.pathway:
        qs = qs.filter(pathway=filters.pathway)
    if filters.start:
        qs = qs.filter(jury_date__gte=filters.start)
    if filters.end:
        qs = qs.filter(jury_date__lte=filters.end)
    return qs


# How the outcome table is grouped: the key column and the columns naming a group.
GROUPS: dict[str, dict[str, Any]] = {
    "centre": {"key": F("centre_id"), "label": "centre__name"},
    "cqpm": {"key": F("referential_code"), "label": "referential__title"},
    "pathway": {"key": F("pathway"), "label": None},
    "year": {"key": ExtractYear("jury_date"), "label": None},
}


def _people(outcomes: Iterable[str]) -> Sum:
    return Sum("people", filter=Q(outcome__in=outcomes), default=0)


def outcome_rows(*, scope: Scope, filters: Filters, group: str) -> list[dict[str, Any]]:
    """Per group: admissible, not admissible (partial validation) and absent people."""
    spec = GROUPS[group]
    values: dict[str, Any] = {"key": spec["key"]}
    qs = _counts(OutcomeCount, scope, filters).values(**values)
    annotations: dict[str, Any] = {
        "admissible": _people([ADMISSIBLE]),
        "partial": _people([NOT_ADMISSIBLE]),
        "absent": _people(ABSENT),
    }
    if spec["label"]:
        annotations["label"] = Max(spec["label"])
    return list(qs.annotate(**annotations).order_by("key"))


def delay_rows(*, scope: Scope, filters: Filters) -> dict[int, int]:
    """People presented to the jury (absent ones aside) by time since their registration."""
    qs = (
        _counts(OutcomeCount, scope, filters)
        .filter(outcome__in=[ADMISSIBLE, NOT_ADMISSIBLE])
        .values("delay")
        .annotate(total=Sum("people"))
        .order_by("delay")
    )
    return {row["delay"]: row["total"] for row in qs}


def capacity_rows(*, scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    """Per capacity of the chosen CQPM: evaluated, acquired, decided against the opinion."""
    if not filters.cqpm:
        return []
    return list(
        _counts(CapacityCount, scope, filters)
        .values("capacity__number")
        .annotate(
            title=Max("capacity__title"),
            evaluated=Sum("evaluated"),
            acquired=Sum("acquired"),
            disagreements=Sum("disagreements"),
        )
        .order_by("capacity__number")
    )


def centre_choices(*, scope: Scope) -> list[tuple[int, str]]:
    qs = ExamCentre.objects.order_by("name")
    if scope.centre_ids is not None:
        qs = qs.filter(pk__in=scope.centre_ids)
    return list(qs.values_list("pk", "name"))


def cqpm_choices(*, scope: Scope) -> list[tuple[str, str]]:
    """The CQPM with at least one closed jury in the scope: (code, title of its last version)."""
    qs = OutcomeCount.objects.all()
    if scope.centre_ids is not None:
        qs = qs.filter(centre_id__in=scope.centre_ids)
    rows = qs.values("referential_code").annotate(title=Max("referential__title"))
    return [(row["referential_code"], row["title"]) for row in rows.order_by("referential_code")]


# --- The public page of a centre and a CQPM ---------------------------------------------------


def public_pages_for(*, scope: Scope) -> list[dict[str, Any]]:
    """The public pages a centre's staff may cite: each CQPM their centres have held juries for."""
    if scope.centre_ids is None:
        return []
    return list(
        OutcomeCount.objects.filter(centre_id__in=scope.centre_ids)
        .values("centre__code", "centre__name", "referential_code")
        .annotate(title=Max("referential__title"))
        .order_by("centre__name", "referential_code")
    )


def public_rate_counts(
    *, centre: ExamCentre, code: str, today: datetime.date | None = None
) -> dict[str, Any]:
    """Admissible and presented people of a centre for a CQPM over the last 12 months."""
    today = today or timezone.localdate()
    start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    if today.month == 2 and today.day == 29:  # pragma: no cover - the day after 28 February
        start = datetime.date(today.year - 1, 3, 1)
    counts = OutcomeCount.objects.filter(
        centre=centre, referential_code=code, jury_date__gte=start, jury_date__lte=today
    ).aggregate(admissible=_people([ADMISSIBLE]), partial=_people([NOT_ADMISSIBLE]))
    return {"start": start, "end": today, **counts}


# --- The transmissions the branch receives ----------------------------------------------------


def received_sendings_for(*, user: User) -> QuerySet[PackSending]:
    """Every sending recorded by a centre (the latest first), for the branch only."""
    return (
        scope(user, "pack.receive", PackSending.objects.all())
        .select_related(
            "pack__session__campaign__centre", "pack__session__campaign__referential", "arrival"
        )
        .order_by("-sent_on", "-pk")
    )


def overdue_packs_national(*, user: User) -> QuerySet[TransmissionPack]:
    """Packs of every centre not sent although due, for the branch only."""
    if not is_branch(user):
        return TransmissionPack.objects.none()
    return (
        TransmissionPack.objects.filter(
            status__in=TransmissionPack.PENDING, due_on__lt=timezone.localdate()
        )
        .select_related("session__campaign__centre", "session__campaign__referential")
        .order_by("due_on", "pk")
    )
