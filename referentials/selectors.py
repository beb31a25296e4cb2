"""Reads of the referential catalogue, scoped by user.

Every logged-in user reads published and archived versions (campaigns may still point at an
archived one); drafts are for administrators only.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Block, Capacity, CriterionKind, Referential


def _sees_drafts(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def referential_list_for(*, user, query: str = "") -> QuerySet[Referential]:
    """Versions the user may read, newest version first per code, searchable by code or title."""
    qs = _readable_by(user)
    query = query.strip()
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(title__icontains=query))
    return qs.annotate(capacity_count=Count("capacities")).order_by("code", "-version")


def _readable_by(user) -> QuerySet[Referential]:
    if _sees_drafts(user):
        return Referential.objects.all()
    return Referential.objects.exclude(status=Referential.Status.DRAFT)


def referential_detail_queryset_for(*, user) -> QuerySet[Referential]:
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


def _position(item) -> int:
    return item.position


def _criteria_groups(capacity: Capacity) -> list[CriteriaGroup]:
    criteria = sorted(capacity.criteria.all(), key=_position)
    groups = [
        CriteriaGroup(kind, str(label), [c.text for c in criteria if c.kind == kind])
        for kind, label in CriterionKind.choices
    ]
    return [group for group in groups if group.texts]
