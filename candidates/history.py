"""A registration's history, read from the audit log and put into French for people.

Other apps may add labels for their action codes with a `CQPM_AUDIT_LABELS` setting
({"cqpm.dossier.submitted": "Dossier soumis"}); unknown codes are shown as they are.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cqpm.core.audit import audit_history

from .models import Pathway, Registration

ACTION_LABELS = {
    "cqpm.registration.created": _("Inscription créée"),
    "cqpm.registration.updated": _("Inscription modifiée"),
    "cqpm.registration.withdrawn": _("Candidat désinscrit"),
    "cqpm.registration.stage_changed": _("Changement d'étape"),
    "cqpm.candidate.updated": _("Coordonnées du candidat modifiées"),
}

FIELD_LABELS = {
    "candidate": _("Candidat"),
    "pathway": _("Parcours"),
    "registered_on": _("Date d'inscription"),
    "company": _("Entreprise"),
    "tutor": _("Tuteur"),
    "civility": _("Civilité"),
    "last_name": _("Nom"),
    "first_name": _("Prénom"),
    "birth_date": _("Date de naissance"),
    "email": _("E-mail"),
    "phone": _("Téléphone"),
    "address": _("Adresse"),
    "stage": _("Étape"),
    "reason": _("Motif"),
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VALUE_LABELS = {**dict(Registration.Stage.choices), **dict(Pathway.choices)}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor: Any
    code: str
    label: str
    changes: list[Change]
    details: list[tuple[str, str]]


def registration_history(*, registration: Registration) -> list[HistoryEntry]:
    """Every audit entry of the registration, oldest first, in readable French (one query)."""
    labels = {**ACTION_LABELS, **getattr(settings, "CQPM_AUDIT_LABELS", {})}
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            code=entry.action,
            label=str(labels.get(entry.action, entry.action)),
            changes=_changes(entry.data),
            details=[
                (str(FIELD_LABELS.get(key, key)), readable(value))
                for key, value in entry.data.items()
                if key not in ("before", "after")
            ],
        )
        for entry in audit_history(registration_id=registration.pk)
    ]


def _changes(data: dict) -> list[Change]:
    before, after = data.get("before"), data.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [
            Change(
                str(FIELD_LABELS.get(key, key)), readable(before.get(key)), readable(after.get(key))
            )
            for key in keys
        ]
    if before is None and after is None:
        return []
    return [Change(str(_("État")), readable(before), readable(after))]


def readable(value: Any) -> str:
    """A stored value as people read it: labels for codes, JJ/MM/AAAA for dates, — for nothing."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, str):
        if value in _VALUE_LABELS:
            return str(_VALUE_LABELS[value])
        day = _as_date(value)
        return f"{day:%d/%m/%Y}" if day else value
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{FIELD_LABELS.get(k, k)} : {readable(v)}" for k, v in value.items())
    return str(value)


def _as_date(value: str) -> datetime.date | None:
    # Only the ISO dates the audit log's JSON encoder writes; a phone number is not a date.
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None
