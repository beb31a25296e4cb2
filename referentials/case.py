"""Identifiers of a referential's items in CASE 1.1 (1EdTech Competencies and Academic Standards
Exchange): stable, never reused, derived from what identifies each item in the branch's referential
(code, version, capacity number, criterion position), so that the same item always has the same
identifier on every instance and after a restore.

A CQPM version is one `CFDocument`; its capacities and their criteria are `CFItem`s. The public
URIs follow CASE's REST binding (`/ims/case/v1p1/...`); credentials align their achievement with
`capacity_uri` (DESIGN.md §9: CASE identifiers are a contract)."""

from __future__ import annotations

import uuid

from django.conf import settings

from .models import Block, Capacity, Criterion, Referential

# Fixed forever: changing it would change every published identifier.
NAMESPACE = uuid.UUID("6f0c1b52-3c0e-5a53-9d1e-2a1f6c8e4b71")
CASE_PATH = "/ims/case/v1p1"


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def document_identifier(referential: Referential) -> str:
    return _uuid("cqpm", referential.code, referential.version)


def capacity_identifier(capacity: Capacity) -> str:
    referential = capacity.referential
    return _uuid("cqpm", referential.code, referential.version, "capacity", capacity.number)


def criterion_identifier(criterion: Criterion) -> str:
    capacity = criterion.capacity
    referential = capacity.referential
    return _uuid(
        "cqpm",
        referential.code,
        referential.version,
        "capacity",
        capacity.number,
        "criterion",
        criterion.kind,
        criterion.position,
    )


def uri(kind: str, identifier: str) -> str:
    """Absolute public URI of a CASE object: kind is CFDocuments, CFItems, CFAssociations…"""
    return f"{settings.SITE_URL.rstrip('/')}{CASE_PATH}/{kind}/{identifier}"


def document_uri(referential: Referential) -> str:
    return uri("CFDocuments", document_identifier(referential))


def capacity_uri(capacity: Capacity) -> str:
    return uri("CFItems", capacity_identifier(capacity))


def criterion_uri(criterion: Criterion) -> str:
    return uri("CFItems", criterion_identifier(criterion))


def block_identifier(block: Block) -> str:
    referential = block.referential
    return _uuid("cqpm", referential.code, referential.version, "block", block.code)


def association_identifier(association_type: str, origin: str, destination: str) -> str:
    """An association between two CASE nodes, from its type and their identifiers."""
    return _uuid("association", association_type, origin, destination)


def item_type_identifier(code: str) -> str:
    """A CFItemType shared by every referential: `capacity`, `criterion` or `block`."""
    return _uuid("cqpm", "item-type", code)


def block_uri(block: Block) -> str:
    return uri("CFItems", block_identifier(block))
