"""Reading older audit entries after an erasure: the erased person's values replaced by their
placeholder, whatever key or sentence they sit in (docs/PRIVACY.md, « Journal d'audit »)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from candidates.models import Candidate

Replace = Callable[[str], str]


def personal_values(candidate: Candidate) -> list[str]:
    """The strings that identify the person, as they may have been written anywhere."""
    last, first = candidate.last_name.strip(), candidate.first_name.strip()
    values = [
        last,
        first,
        f"{last} {first}",
        f"{first} {last}",
        str(candidate),
        candidate.email,
        candidate.phone,
        candidate.address,
        *candidate.address.splitlines(),
        # The deposit's identity (not the country: « France » names no one).
        candidate.birth_name,
        candidate.usage_name,
        candidate.second_first_name,
        candidate.third_first_name,
        candidate.birth_place_insee,
        candidate.birth_postal_code,
        candidate.birth_place_label,
    ]
    birth = candidate.birth_date
    if isinstance(birth, datetime.date):
        values += [birth.isoformat(), f"{birth:%d/%m/%Y}"]
    # Longest first, so that « DUPONT Jean » becomes one placeholder, not two.
    kept = {value.strip() for value in values if value and len(value.strip()) >= 2}
    return sorted(kept, key=len, reverse=True)


def replacer(values: list[str], placeholder: str) -> Replace:
    if not values:
        return lambda text: text
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in values), re.IGNORECASE
    )
    return lambda text: pattern.sub(placeholder, text)


def redact_value(value: Any, replace: Replace) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, dict):
        return {key: redact_value(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, replace) for item in value]
    return value


def apply_redactions(entries: list[Any]) -> None:
    """The registered audit redactor: swap in the redacted reading of erased entries."""
    from .models import AuditRedaction

    ids = [entry.pk for entry in entries if entry.pk is not None]
    if not ids:
        return
    redactions = {
        entry_id: (object_repr, data)
        for entry_id, object_repr, data in AuditRedaction.objects.filter(
            entry_id__in=ids
        ).values_list("entry_id", "object_repr", "data")
    }
    for entry in entries:
        if entry.pk in redactions:
            entry.object_repr, entry.data = redactions[entry.pk]
