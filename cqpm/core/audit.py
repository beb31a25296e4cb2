"""Writing to the audit log, always inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEntry
from .registry import audit_redactors, audited_event

if TYPE_CHECKING:
    from accounts.models import User


def audit_log(
    *,
    action: str,
    obj: models.Model,
    by: User | None = None,
    data: dict[str, Any] | None = None,
    registration_id: int | None = None,
    centre_id: int | None = None,
) -> AuditEntry:
    """Append one entry; `by` may be None for system actions (commands, tasks).

    The action must be a declared event type (cqpm.core.registry): UndeclaredSeam otherwise."""
    audited_event(action)
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        registration_id=registration_id,
        centre_id=centre_id,
        data=data or {},
    )


def audit_history(*, registration_id: int) -> models.QuerySet[AuditEntry]:
    """Every entry about one registration, oldest first, with its author."""
    return (
        AuditEntry.objects.filter(registration_id=registration_id)
        .select_related("actor")
        .order_by("at", "id")
    )


def audit_redacted(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries as people may read them: the registered redactors (an erased person's name
    replaced by their placeholder) applied to in-memory copies; the log itself never changes."""
    listed = list(entries)
    for contribution in audit_redactors():
        contribution.provider(listed)
    return listed
