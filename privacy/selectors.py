"""Reads scoped by the user: staff reach the people their centres hold, nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from candidates.models import Candidate
from cqpm.core.access import scope

from .models import RetentionItem, RetentionReport

if TYPE_CHECKING:
    from cqpm.core.access import User


def person_list_for(*, user: User) -> QuerySet[Candidate]:
    """People with a registration at one of the user's centres (staff only; empty otherwise)."""
    return (
        scope(user, "person.manage", Candidate.objects.all()).select_related("erasure").distinct()
    )


def person_search_for(*, user: User, email: str) -> QuerySet[Candidate]:
    email = email.strip()
    if not email:
        return Candidate.objects.none()
    return person_list_for(user=user).filter(email__iexact=email).order_by("pk")


def retention_report_for(*, user: User) -> tuple[RetentionReport | None, QuerySet[RetentionItem]]:
    """The latest retention report and its items at the user's centres."""
    report = RetentionReport.objects.first()
    items = RetentionItem.objects.none()
    if report is not None:
        items = scope(user, "retention.read", report.items.all()).select_related(
            "candidate", "centre", "evidence"
        )
    return report, items
