"""Helpers shared by the services of this app: the staff guard and ValidationError translation."""

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.errors import DomainError

from ..selectors import staff_centre_ids


def ensure_staff_of(by: User, centre_id: int) -> None:
    """Refuse unless `by` is staff of the centre, a superuser, or the system (None)."""
    if by is None or getattr(by, "is_superuser", False):
        return
    if centre_id not in staff_centre_ids(user=by):
        raise DomainError(
            _("Vous ne faites pas partie du personnel de ce centre d'examen."), code="forbidden"
        )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict]:
    """Only what changed, as {"before": {...}, "after": {...}} for the audit log."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {
        "before": {key: before.get(key) for key in changed},
        "after": {key: after[key] for key in changed},
    }
