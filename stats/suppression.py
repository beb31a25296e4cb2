"""Small-cell suppression: no published count may single out fewer than five people.

A cell counting fewer than `THRESHOLD` people (zero included) is hidden (primary suppression).
A table also publishes sums (a row's total of its parts, a column's national total); where a
sum and all but one of its terms are visible, the hidden one is recovered by subtraction, so
another term of that sum is hidden too, the smallest (secondary suppression), until no sum has
exactly one hidden member, nor hidden terms that the total shows add up to fewer than five.
Pure functions over plain dicts: the selectors count in SQL, this
decides what may be shown.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

THRESHOLD = 5
HIDDEN = "< 5"

Key = Hashable
# total = sum(parts): the total's key, then its parts' keys
Relation = tuple[Key, Sequence[Key]]


def hidden_cells(cells: Mapping[Key, int], relations: Iterable[Relation]) -> set[Key]:
    """Keys of the cells to hide: those under the threshold, then what their sums would give
    away. Relations naming unknown keys are an error (a sum must be checked whole)."""
    checked: list[tuple[Key, list[Key]]] = [(total, list(parts)) for total, parts in relations]
    for total, parts in checked:
        missing = [key for key in (total, *parts) if key not in cells]
        if missing:
            raise KeyError(f"relation names unknown cells: {missing!r}")
    hidden = {key for key, value in cells.items() if value < THRESHOLD}
    changed = True
    while changed:
        changed = False
        for total, parts in checked:
            members = [total, *parts]
            if not _exposed(total, parts, cells, hidden):
                continue
            # Prefer hiding another term to hiding the total: the total is the most useful.
            visible = [key for key in parts if key not in hidden] or [
                key for key in members if key not in hidden
            ]
            if not visible:
                continue
            hidden.add(min(visible, key=lambda key: (cells[key], repr(key))))
            changed = True
    return hidden


def _exposed(total: Key, parts: list[Key], cells: Mapping[Key, int], hidden: set[Key]) -> bool:
    """Whether a sum gives a hidden term away: one member hidden alone, or hidden terms
    adding up (by the published total) to fewer than the threshold, which bounds each of them
    (three hidden zeros beside a total equal to the visible terms are zeros)."""
    members = [total, *parts]
    count = sum(key in hidden for key in members)
    if count == 1:
        return True
    hidden_parts = [key for key in parts if key in hidden]
    if total in hidden or not hidden_parts or len(hidden_parts) == len(parts):
        return False
    return sum(cells[key] for key in hidden_parts) < THRESHOLD


def shown(value: int, key: Key, hidden: set[Key]) -> int | str:
    """The cell as published: its count, or « < 5 »."""
    return HIDDEN if key in hidden else value


def rate(part: Key, whole: Key, cells: Mapping[Key, int], hidden: set[Key]) -> float | None:
    """part / whole in percent, or None when either is hidden (a rate beside a visible
    denominator would give the hidden count back) or the whole is empty."""
    if part in hidden or whole in hidden or not cells[whole]:
        return None
    return round(100 * cells[part] / cells[whole], 1)
