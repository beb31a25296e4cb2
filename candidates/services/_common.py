"""Helpers shared by the services of this app: the staff guard and ValidationError translation."""

from typing import Any

from cqpm.core.access import ensure_centre_staff

# The one staff guard (cqpm.core.access), under the name this app's services use.
ensure_staff_of = ensure_centre_staff


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only what changed, as {"before": {...}, "after": {...}} for the audit log."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {
        "before": {key: before.get(key) for key in changed},
        "after": {key: after[key] for key in changed},
    }
