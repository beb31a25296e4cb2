"""A registration's history, read from the audit log and put into French sentences for people.

Every event type, its label and its sentence come from the registry (cqpm.core.registry), as do
the labels of the data keys and coded values, read in their namespaces: a value under the key it
was stored with, then for the event, then for the model whose state a before/after holds (the
stage « jury » of a registration is not the convocation « jury »). A data key that no app
labelled (an internal id, a hash) is not shown.
"""

import datetime
import re
import string
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cqpm.core.audit import audit_history, audit_redacted
from cqpm.core.registry import field_label, registry, value_label

from .models import Registration

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor: Any
    code: str  # for code and tests; pages show the label and the sentence
    label: str
    sentence: str
    changes: list[Change]
    details: list[tuple[str, str]]


def registration_history(*, registration: Registration) -> list[HistoryEntry]:
    """Every audit entry of the registration, oldest first, in French sentences (one query)."""
    return [
        _entry(entry) for entry in audit_redacted(audit_history(registration_id=registration.pk))
    ]


def history_entries(entries) -> list[HistoryEntry]:
    """The same sentences for audit entries already read (the API shows both side by side)."""
    return [_entry(entry) for entry in entries]


def _entry(entry) -> HistoryEntry:
    event = registry.events.get(entry.action)
    actor = str(entry.actor) if entry.actor else str(_("Le système"))
    data = entry.data if isinstance(entry.data, dict) else {}
    if event is None:  # written before its type was declared: say so in words, not in code
        label, sentence = str(_("Événement")), str(_("Événement enregistré par %s.") % actor)
    else:
        label, sentence = str(event.label), sentence_of(str(event.sentence), entry, actor, data)
    spaces = _spaces(entry)
    return HistoryEntry(
        at=entry.at,
        actor=entry.actor,
        code=entry.action,
        label=label,
        sentence=sentence,
        changes=_changes(data, spaces),
        details=[
            (str(_field_label(key, spaces)), readable(value, within=(key, *spaces)))
            for key, value in data.items()
            if key not in ("before", "after") and _field_label(key, spaces, None) is not None
        ],
    )


def _spaces(entry) -> tuple[str, ...]:
    """The label namespaces of an entry: its event, then the model it is about."""
    return tuple(
        str(space)
        for space in (getattr(entry, "action", None), getattr(entry, "object_type", None))
        if space
    )


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def sentence_of(template: str, entry, actor: str, data: dict) -> str:
    """Fill an event's sentence: {actor}, {object} and the entry's data keys, made readable."""
    values = _Values(actor=actor, object=entry.object_repr)
    spaces = _spaces(entry)
    for source in (data.get("before"), data.get("after"), data):
        if isinstance(source, dict):
            values.update(
                {key: readable(value, within=(key, *spaces)) for key, value in source.items()}
            )
    for key in ("before", "after"):
        if key in data and not isinstance(data[key], dict):
            values[key] = readable(data[key], within=spaces[::-1])
    wanted = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}
    return template.format_map(_Values({name: values[name] for name in wanted}))


_KEY = object()


def _field_label(key: str, spaces: tuple[str, ...] = (), default: Any = _KEY) -> Any:
    label = field_label(key, within=spaces)
    if label is None:
        return key if default is _KEY else default
    return str(label)


def _changes(data: dict, spaces: tuple[str, ...] = ()) -> list[Change]:
    before, after = data.get("before"), data.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [
            Change(
                _field_label(key, spaces),
                readable(before.get(key), within=(key, *spaces)),
                readable(after.get(key), within=(key, *spaces)),
            )
            for key in keys
            if _field_label(key, spaces, None) is not None
        ]
    if before is None and after is None:
        return []
    # A transition: the states of the model the entry is about.
    states = spaces[::-1]
    return [Change(str(_("État")), readable(before, within=states), readable(after, within=states))]


def readable(value: Any, *, within: tuple[str, ...] = ()) -> str:
    """A stored value as people read it: labels for codes, JJ/MM/AAAA for dates, — for nothing."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, str):
        label = value_label(value, within=within)
        if label is not value:
            return str(label)
        day = _as_date(value)
        return f"{day:%d/%m/%Y}" if day else value
    if isinstance(value, list):
        return ", ".join(readable(item, within=within) for item in value)
    if isinstance(value, dict):
        spaces = within[1:]
        return ", ".join(
            f"{_field_label(k, spaces)} : {readable(v, within=(k, *spaces))}"
            for k, v in value.items()
            if _field_label(k, spaces, None) is not None
        )
    return str(value)


def _as_date(value: str) -> datetime.date | None:
    # Only the ISO dates the audit log's JSON encoder writes; a phone number is not a date.
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None
