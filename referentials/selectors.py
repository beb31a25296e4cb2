"""Reads of the referential catalogue, scoped by user.

Every logged-in user reads published and archived versions (campaigns may still point at an
archived one); drafts are for administrators only.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .case_package import case_identifiers
from .models import Block, Capacity, CriterionKind, Referential

if TYPE_CHECKING:
    from cqpm.core.access import User


def _sees_drafts(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False))


def referential_list_for(*, user: User, query: str = "") -> QuerySet[Referential]:
    """Versions the user may read, newest version first per code, searchable by code or title."""
    qs = _readable_by(user)
    query = query.strip()
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(title__icontains=query))
    return qs.annotate(capacity_count=Count("capacities")).order_by("code", "-version")


def _readable_by(user: User) -> QuerySet[Referential]:
    if _sees_drafts(user):
        return Referential.objects.all()
    return Referential.objects.exclude(status=Referential.Status.DRAFT)


def referential_detail_queryset_for(*, user: User) -> QuerySet[Referential]:
    """The readable versions with everything their page shows, in a fixed number of queries."""
    capacities = Capacity.objects.order_by("number").prefetch_related("conditions", "criteria")
    return (
        _readable_by(user)
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.order_by("position")))
        .prefetch_related(Prefetch("capacities", queryset=capacities))
    )


@dataclass
class CriteriaGroup:
    kind: str
    label: str
    texts: list[str]


@dataclass
class CapacityView:
    capacity: Capacity
    conditions: list[str]
    criteria: list[CriteriaGroup]


@dataclass
class Section:
    block: Block | None
    capacities: list[CapacityView] = field(default_factory=list)


def referential_sections(*, referential: Referential) -> list[Section]:
    """Capacities as the source table shows them: by block when there are blocks (unblocked
    ones last), conditions in order and criteria grouped by kind; reads prefetched data only."""
    blocks = list(referential.blocks.all())
    sections: dict[int | None, Section] = {block.pk: Section(block) for block in blocks}
    loose = Section(None)
    for capacity in referential.capacities.all():
        view = CapacityView(
            capacity=capacity,
            conditions=[c.text for c in sorted(capacity.conditions.all(), key=_position)],
            criteria=_criteria_groups(capacity),
        )
        sections.get(capacity.block_id, loose).capacities.append(view)
    ordered = [sections[block.pk] for block in blocks]
    return [*ordered, loose] if loose.capacities or not ordered else ordered


def _position(item: Any) -> int:
    return int(item.position)


def _criteria_groups(capacity: Capacity) -> list[CriteriaGroup]:
    criteria = sorted(capacity.criteria.all(), key=_position)
    groups = [
        CriteriaGroup(kind, str(label), [c.text for c in criteria if c.kind == kind])
        for kind, label in CriterionKind.choices
    ]
    return [group for group in groups if group.texts]


# --- CASE 1.1 (public: published and archived versions, never drafts) -----------------------


def case_referential_queryset() -> QuerySet[Referential]:
    """Versions served publicly in CASE, with what a package shows, in a fixed number of queries."""
    capacities = Capacity.objects.order_by("number").prefetch_related("conditions", "criteria")
    return (
        Referential.objects.exclude(status=Referential.Status.DRAFT)
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.order_by("position")))
        .prefetch_related(Prefetch("capacities", queryset=capacities))
    )


_case_index_lock = threading.Lock()
_case_index: dict[str, object] = {}


def case_referential_for(*, identifier: str) -> Referential | None:
    """The public version that serves this CASE identifier (its document, an item or an
    association), prefetched for case_package, or None.

    Identifiers are one-way hashes (referentials.case), so a per-process index maps each one to
    its version. Public versions never change content, so the index is rebuilt only when the set
    of public versions changes (a publication), which one small query detects at each call.
    """
    fingerprint = hashlib.sha256(
        repr(
            list(
                Referential.objects.exclude(status=Referential.Status.DRAFT)
                .order_by("pk")
                .values_list("pk", "code", "version", "status", "updated_at")
            )
        ).encode()
    ).hexdigest()
    with _case_index_lock:
        if _case_index.get("fingerprint") != fingerprint:
            _case_index["map"] = {
                identifier: referential.pk
                for referential in case_referential_queryset()
                for identifier in case_identifiers(referential)
            }
            _case_index["fingerprint"] = fingerprint
        index: dict[str, int] = _case_index["map"]  # type: ignore[assignment]
    pk = index.get(identifier)
    return None if pk is None else case_referential_queryset().filter(pk=pk).first()


def case_versions_of(*, referential: Referential) -> QuerySet[Referential]:
    """The other public versions of the same code, newest first: what it can be compared with."""
    return (
        Referential.objects.exclude(status=Referential.Status.DRAFT)
        .filter(code=referential.code)
        .exclude(pk=referential.pk)
        .order_by("-version")
    )
