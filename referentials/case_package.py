"""A referential version in the CASE 1.1 JSON binding (1EdTech Competencies and Academic
Standards Exchange), built from prefetched data only (see selectors.case_referential_queryset).

One `CFDocument` per version; `CFItem`s for its blocks, capacities and criteria, each with a
`humanCodingScheme` readers can compare across versions ("B1", "3", "3.R2": capacity 3, second
criterion in terms of results); `CFAssociation`s `isChildOf` from each item to its parent (a
criterion to its capacity, a capacity to its block or to the document, a block to the document).
Inside a package, documents and items leave out their `CFPackageURI` / `CFDocumentURI`, as the
package schema (CFPckgDocument, CFPckgItem) has no such fields; served alone, they carry them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from . import case
from .models import Capacity, Criterion, CriterionKind, Referential

CASE_VERSION = "1.1"
LANGUAGE = "fr"
CHILD_OF = "isChildOf"
# The item types never change; their own date is the day they were defined.
ITEM_TYPES_DEFINED = "2026-01-01T00:00:00Z"
ITEM_TYPES = {
    # code: (title, description, hierarchyCode)
    "block": ("Bloc de compétences", "Regroupement de capacités professionnelles d'un CQPM.", "1"),
    "capacity": ("Capacité professionnelle", "Capacité professionnelle numérotée d'un CQPM.", "2"),
    "criterion": (
        "Critère observable et/ou mesurable",
        "Critère d'évaluation d'une capacité, avec son niveau d'exigence.",
        "3",
    ),
}
KIND_LETTERS = {
    CriterionKind.RESULTS: "R",
    CriterionKind.METHODS: "M",
    CriterionKind.PROCEDURES: "P",
}
KIND_ORDER = [str(kind) for kind in KIND_LETTERS]


@dataclass(frozen=True)
class Node:
    """What a LinkURI says of a CASE object: its title, identifier and URI."""

    title: str
    identifier: str
    uri: str

    def link(self) -> dict[str, str]:
        return {"title": self.title, "identifier": self.identifier, "uri": self.uri}


def changed_at(referential: Referential) -> str:
    """The version's publication instant (its content never changes after), as CASE wants it."""
    when = referential.published_at or datetime.datetime.combine(
        referential.last_modified, datetime.time(), tzinfo=datetime.UTC
    )
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_node(referential: Referential) -> Node:
    return Node(
        referential.title, case.document_identifier(referential), case.document_uri(referential)
    )


def package_node(referential: Referential) -> Node:
    identifier = case.document_identifier(referential)
    return Node(referential.title, identifier, case.uri("CFPackages", identifier))


def item_type_node(code: str) -> Node:
    identifier = case.item_type_identifier(code)
    return Node(ITEM_TYPES[code][0], identifier, case.uri("CFItemTypes", identifier))


def case_item_type(code: str) -> dict[str, Any]:
    title, description, hierarchy = ITEM_TYPES[code]
    node = item_type_node(code)
    return {
        "identifier": node.identifier,
        "uri": node.uri,
        "title": title,
        "description": description,
        "hierarchyCode": hierarchy,
        "typeCode": code,
        "lastChangeDateTime": ITEM_TYPES_DEFINED,
    }


def case_document(referential: Referential, *, in_package: bool = False) -> dict[str, Any]:
    node = document_node(referential)
    status = "Adopted" if referential.is_published else "Deprecated"
    grade = (
        _("catégorie %(category)s") % {"category": referential.category}
        if referential.category
        else _("niveau %(level)s") % {"level": referential.level}
    )
    document: dict[str, object] = {
        "identifier": node.identifier,
        "uri": node.uri,
        "frameworkType": "CQPM",
        "caseVersion": CASE_VERSION,
        "creator": referential.issuer or _("Branche de la métallurgie"),
        "title": referential.title,
        "lastChangeDateTime": changed_at(referential),
        "description": referential.objective,
        "language": LANGUAGE,
        "version": str(referential.version),
        "adoptionStatus": status,
        "notes": _("CQPM %(code)s, %(grade)s, dernière modification le %(date)s.")
        % {
            "code": referential.code,
            "grade": grade,
            "date": f"{referential.last_modified:%d/%m/%Y}",
        },
    }
    if referential.published_at:
        document["statusStartDate"] = referential.published_at.date().isoformat()
    if not in_package:
        document["CFPackageURI"] = package_node(referential).link()
    return document


@dataclass
class _Entry:
    item: dict[str, Any]
    parent: Node
    sequence: int

    @property
    def node(self) -> Node:
        return Node(self.item["fullStatement"], self.item["identifier"], self.item["uri"])


def _item(
    referential: Referential,
    *,
    identifier: str,
    statement: str,
    coding: str,
    enumeration: int,
    type_code: str,
    notes: str = "",
) -> dict[str, Any]:
    item = {
        "identifier": identifier,
        "fullStatement": statement,
        "CFItemType": ITEM_TYPES[type_code][0],
        "uri": case.uri("CFItems", identifier),
        "humanCodingScheme": coding,
        "listEnumeration": str(enumeration),
        "language": LANGUAGE,
        "CFItemTypeURI": item_type_node(type_code).link(),
        "lastChangeDateTime": changed_at(referential),
    }
    if notes:
        item["notes"] = notes
    return item


def _capacity_notes(capacity: Capacity) -> str:
    conditions = sorted(capacity.conditions.all(), key=lambda c: c.position)
    lines = [_("Conditions de réalisation :")] if conditions else []
    lines += [f"- {condition.text}" for condition in conditions]
    lines.append(_("Modalités d'évaluation : %(methods)s") % {
        "methods": ", ".join(capacity.method_labels())
    })  # fmt: skip
    return "\n".join(lines)


def criterion_coding(capacity: Capacity, criterion: Criterion) -> str:
    return f"{capacity.number}.{KIND_LETTERS[CriterionKind(criterion.kind)]}{criterion.position}"


def _entries(referential: Referential) -> list[_Entry]:
    """Every item in reading order with its parent: blocks, then each capacity and its criteria."""
    root = document_node(referential)
    entries: list[_Entry] = []
    blocks: dict[int | None, Node] = {}
    for block in sorted(referential.blocks.all(), key=lambda b: b.position):
        item = _item(
            referential,
            identifier=case.block_identifier(block),
            statement=block.title,
            coding=block.code,
            enumeration=block.position,
            type_code="block",
        )
        entries.append(_Entry(item, root, block.position))
        blocks[block.pk] = entries[-1].node
    for capacity in sorted(referential.capacities.all(), key=lambda c: c.number):
        entry = _Entry(
            _item(
                referential,
                identifier=case.capacity_identifier(capacity),
                statement=capacity.title,
                coding=str(capacity.number),
                enumeration=capacity.number,
                type_code="capacity",
                notes=_capacity_notes(capacity),
            ),
            blocks.get(capacity.block_id, root),
            capacity.number,
        )
        entries.append(entry)
        criteria = sorted(
            capacity.criteria.all(), key=lambda c: (KIND_ORDER.index(c.kind), c.position)
        )
        for sequence, criterion in enumerate(criteria, start=1):
            item = _item(
                referential,
                identifier=case.criterion_identifier(criterion),
                statement=criterion.text,
                coding=criterion_coding(capacity, criterion),
                enumeration=criterion.position,
                type_code="criterion",
                notes=str(CriterionKind(criterion.kind).label),
            )
            entries.append(_Entry(item, entry.node, sequence))
    return entries


def _association(referential: Referential, entry: _Entry, *, in_package: bool) -> dict[str, Any]:
    origin, destination = entry.node, entry.parent
    identifier = case.association_identifier(CHILD_OF, origin.identifier, destination.identifier)
    association = {
        "identifier": identifier,
        "associationType": CHILD_OF,
        "sequenceNumber": entry.sequence,
        "uri": case.uri("CFAssociations", identifier),
        "originNodeURI": origin.link(),
        "destinationNodeURI": destination.link(),
        "lastChangeDateTime": changed_at(referential),
    }
    if not in_package:
        association["CFDocumentURI"] = document_node(referential).link()
    return association


def case_package(referential: Referential) -> dict[str, Any]:
    """The whole version: document, items, their associations and the item types they use."""
    entries = _entries(referential)
    used = {entry.item["CFItemTypeURI"]["identifier"] for entry in entries}
    return {
        "CFDocument": case_document(referential, in_package=True),
        "CFItems": [entry.item for entry in entries],
        "CFAssociations": [_association(referential, e, in_package=True) for e in entries],
        "CFDefinitions": {
            "CFItemTypes": [
                case_item_type(code)
                for code in ITEM_TYPES
                if case.item_type_identifier(code) in used
            ]
        },
    }


def case_item(referential: Referential, identifier: str) -> dict[str, Any] | None:
    """One item of the version served alone (with its CFDocumentURI), or None."""
    for entry in _entries(referential):
        if entry.item["identifier"] == identifier:
            return entry.item | {"CFDocumentURI": document_node(referential).link()}
    return None


def case_association(referential: Referential, identifier: str) -> dict[str, Any] | None:
    for entry in _entries(referential):
        association = _association(referential, entry, in_package=False)
        if association["identifier"] == identifier:
            return association
    return None


def case_identifiers(referential: Referential) -> Iterable[str]:
    """Every identifier the version serves: document, items and associations."""
    yield case.document_identifier(referential)
    for entry in _entries(referential):
        yield entry.item["identifier"]
        yield case.association_identifier(
            CHILD_OF, entry.item["identifier"], entry.parent.identifier
        )


# --- Comparing two versions -----------------------------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    """One item added, removed or changed between two versions, matched by type and code."""

    kind: str  # added, removed, changed
    item_type: str
    coding: str
    before: str = ""
    after: str = ""
    before_uri: str = ""
    after_uri: str = ""


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return (item["CFItemType"], item["humanCodingScheme"])


def case_compare(*, before: dict[str, Any], after: dict[str, Any]) -> list[ItemChange]:
    """Items of two packages matched by (CFItemType, humanCodingScheme): added, removed, and
    changed (statement or notes), in the newer version's reading order, removed ones in place."""
    old = {_key(item): item for item in before["CFItems"]}
    new = {_key(item): item for item in after["CFItems"]}
    order = [_key(item) for item in after["CFItems"]]
    previous: tuple[str, str] | None = None
    for key in (_key(item) for item in before["CFItems"]):
        if key not in new:
            at = order.index(previous) + 1 if previous is not None and previous in order else 0
            order.insert(at, key)
        previous = key
    changes = []
    for key in order:
        a, b = old.get(key), new.get(key)
        if a is None and b is not None:
            changes.append(ItemChange("added", *key, after=_text(b), after_uri=b["uri"]))
        elif b is None and a is not None:
            changes.append(ItemChange("removed", *key, _text(a), before_uri=a["uri"]))
        elif a and b and _text(a) != _text(b):
            changes.append(ItemChange("changed", *key, _text(a), _text(b), a["uri"], b["uri"]))
    return changes


def _text(item: dict[str, Any]) -> str:
    """What readers compare: the statement, then the notes (conditions, methods) if any."""
    notes = item.get("notes", "")
    return f"{item['fullStatement']}\n{notes}" if notes else item["fullStatement"]
