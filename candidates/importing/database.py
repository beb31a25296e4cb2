"""Checking rows against the database by batches, then writing them with bulk inserts.

Who is who: a row is the known person with the same names (identity key), birth date and
e-mail. Rows or known people sharing names and birth date but not the e-mail are possible
homonyms: staff decide per line, "same" (reuse the known person) or "different" (a new person,
with the next `homonym` number of the database's identity constraint). A known person whose row
brings other contact data, or other values for identity fields already filled (birth name, birth
place…), is a change that staff accept or ignore (ignored unless accepted); identity fields the
known person lacks and the row gives (a birth place added) are filled in (`IdentityFill`), shown
in the preview and audited.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.services import accounts_bulk_invite
from cqpm.core.models import AuditEntry
from cqpm.core.registry import emit, event_type

from ..events import REGISTRATIONS_CREATED, RegistrationsCreated
from ..models import CDC_IDENTITY_FIELDS, Campaign, Candidate, Company, Registration
from .reading import ImportIssue, ImportRefused, ImportRow, describe_person

BATCH = 1000  # rows per lookup or INSERT (SQLite lowers it further to its parameter limit)
ACTION_REGISTRATION = "cqpm.registration.imported"
ACTION_CONTACT = "cqpm.candidate.updated"
SAME, DIFFERENT = "same", "different"


# --- What the rows refer to -------------------------------------------------------------------


# The identity fields a known person's row may fill in or change (the import's columns).
IDENTITY_FIELDS = CDC_IDENTITY_FIELDS
FIELD_LABELS = {
    "email": _l("e-mail"),
    "phone": _l("téléphone"),
    "birth_name": _l("nom de naissance"),
    "usage_name": _l("nom d'usage"),
    "second_first_name": _l("deuxième prénom"),
    "third_first_name": _l("troisième prénom"),
    "sex": _l("sexe"),
    "birth_place_insee": _l("code INSEE de la commune de naissance"),
    "birth_postal_code": _l("code postal de la commune de naissance"),
    "birth_place_label": _l("commune de naissance"),
    "birth_country_code": _l("code du pays de naissance"),
    "birth_country_label": _l("pays de naissance"),
}


def field_items(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """(French label, before, after) of each field, in the form's order."""
    labels = {name: str(FIELD_LABELS.get(name, name)) for name in after}
    return [(labels[name], before.get(name, ""), after[name]) for name in after]


@dataclass(frozen=True, slots=True)
class Known:
    """A person already in the database, as the preview shows them."""

    pk: int
    last_name: str
    first_name: str
    email: str
    phone: str
    homonym: int
    identity: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        contact = self.email or _("sans e-mail")
        return f"{self.last_name.upper()} {self.first_name} ({contact})"


@dataclass
class Homonym:
    """A row that may be a known person (or an earlier row) or someone else: staff decide."""

    row: ImportRow
    known: list[Known]
    earlier_lines: list[int]
    decision: str = ""

    @property
    def line(self) -> int:
        return self.row.line


@dataclass
class ContactChange:
    """A known person whose row brings other contact data, or other values for identity fields
    already filled: applied only when staff accept it."""

    line: int
    candidate_id: int
    person: str
    before: dict[str, str]
    after: dict[str, str]
    accepted: bool = False

    @property
    def items(self) -> list[tuple[str, str, str]]:
        return field_items(self.before, self.after)


@dataclass
class IdentityFill:
    """A known person's identity fields left blank that the row gives: filled in."""

    line: int
    candidate_id: int
    person: str
    values: dict[str, str]

    @property
    def items(self) -> list[tuple[str, str, str]]:
        return field_items({}, self.values)


@dataclass
class Lookups:
    companies: dict[str, int]  # siret -> Company pk
    tutors: dict[str, int]  # lower-case e-mail -> User pk
    existing: dict[int, int] = field(default_factory=dict)  # line -> known Candidate pk
    new_people: dict[int, int] = field(default_factory=dict)  # line -> homonym number
    homonyms: list[Homonym] = field(default_factory=list)
    changes: list[ContactChange] = field(default_factory=list)
    fills: list[IdentityFill] = field(default_factory=list)


def _batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def check_against_database(
    *,
    campaign: Campaign,
    rows: list[ImportRow],
    homonyms: dict[int, str] | None = None,
    contact_updates: Iterable[int] | bool = (),
    require_decisions: bool = True,
) -> Lookups:
    """Load what the rows refer to, by batches; resolve who is who; refuse people already in
    the campaign, homonyms left undecided (when `require_decisions`) and unknown companies."""
    known = _known_people(rows)
    registered = set(
        Registration.objects.filter(campaign=campaign).values_list("candidate_id", flat=True)
    )
    lookups = Lookups(companies={}, tutors={})
    for sirets in _batches({row.siret for row in rows if row.siret}):
        lookups.companies.update(
            Company.objects.filter(siret__in=sirets).order_by().values_list("siret", "pk")
        )
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    for emails in _batches({row.tutor_email for row in rows if row.tutor_email}):
        lookups.tutors.update(
            users.filter(email_lower__in=emails).order_by().values_list("email_lower", "pk")
        )
    issues = _resolve(rows, known, lookups, homonyms or {}, require_decisions)
    issues += [issue for row in rows for issue in _row_conflicts(row, registered, lookups)]
    if issues:
        raise ImportRefused(issues)
    _mark_accepted(lookups, contact_updates)
    return lookups


def _known_people(rows: list[ImportRow]) -> dict[tuple, list[Known]]:
    wanted = {row.person_key for row in rows}
    known: dict[tuple, list[Known]] = defaultdict(list)
    for dates in _batches({row.birth_date for row in rows}):
        for pk, key, born, last, first, email, phone, homonym, *identity in (
            Candidate.objects.filter(birth_date__in=dates)
            .order_by("homonym", "pk")
            .values_list(
                "pk",
                "identity_key",
                "birth_date",
                "last_name",
                "first_name",
                "email",
                "phone",
                "homonym",
                *IDENTITY_FIELDS,
            )
        ):
            if (key, born) in wanted:
                stored = tuple(zip(IDENTITY_FIELDS, identity, strict=True))
                known[(key, born)].append(Known(pk, last, first, email, phone, homonym, stored))
    return known


def _resolve(
    rows: list[ImportRow],
    known: dict[tuple, list[Known]],
    lookups: Lookups,
    decisions: dict[int, str],
    require_decisions: bool,
) -> list[ImportIssue]:
    issues: list[ImportIssue] = []
    earlier: dict[tuple, list[int]] = defaultdict(list)
    next_homonym = {key: max(k.homonym for k in people) + 1 for key, people in known.items()}
    for row in rows:
        people = known.get(row.person_key, [])
        before = earlier[row.person_key]
        before.append(row.line)
        exact = [k for k in people if k.email.lower() == row.email.lower()]
        if exact:
            _reuse(row, exact[0], lookups)
        elif not people and len(before) == 1:
            lookups.new_people[row.line] = next_homonym.setdefault(row.person_key, 1) - 1
        else:
            question = Homonym(row=row, known=people, earlier_lines=before[:-1])
            question.decision = decisions.get(row.line, "")
            lookups.homonyms.append(question)
            issue = _decide(question, lookups, next_homonym, require_decisions)
            if issue is not None:
                issues.append(issue)
    return issues


def _decide(
    question: Homonym, lookups: Lookups, next_homonym: dict, require_decisions: bool
) -> ImportIssue | None:
    row, decision = question.row, question.decision
    if decision == DIFFERENT:
        number = next_homonym.get(row.person_key, 1)
        next_homonym[row.person_key] = number + 1
        lookups.new_people[row.line] = number
        return None
    if decision.startswith(SAME):
        chosen = _chosen(question)
        if chosen is not None:
            _reuse(row, chosen, lookups)
            return None
        if question.earlier_lines:
            return ImportIssue(
                row.line,
                "nom",
                _("même personne que ligne %(line)d : retirez la ligne en double.")
                % {"line": question.earlier_lines[0]},
            )
    if not require_decisions:
        return None
    return ImportIssue(row.line, "nom", homonym_message(question), code="homonym")


def _chosen(question: Homonym) -> Known | None:
    """ "same" is the first known person; "same:<pk>" names one of several."""
    wanted = question.decision.partition(":")[2]
    for person in question.known:
        if not wanted or str(person.pk) == wanted:
            return person
    return None


def homonym_message(question: Homonym) -> str:
    others = [str(person) for person in question.known]
    others += [_("la ligne %(line)d") % {"line": line} for line in question.earlier_lines]
    return _(
        "%(person)s : homonyme possible de %(others)s (même nom et date de naissance, autre "
        "e-mail). Précisez « même personne » ou « personnes différentes »."
    ) % {"person": describe_person(question.row), "others": ", ".join(others)}


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _reuse(row: ImportRow, person: Known, lookups: Lookups) -> None:
    lookups.existing[row.line] = person.pk
    before, after = {}, {}
    if row.email and row.email.lower() != person.email.lower():
        before["email"], after["email"] = person.email, row.email
    if row.phone and _digits(row.phone) != _digits(person.phone):
        before["phone"], after["phone"] = person.phone, row.phone
    stored = dict(person.identity)
    filled: dict[str, str] = {}
    for name in IDENTITY_FIELDS:
        value, held = row.identity.get(name, "").strip(), (stored.get(name) or "").strip()
        if not value or value.casefold() == held.casefold():
            continue  # nothing given, or the same (case aside): the stored value stays
        if held:
            before[name], after[name] = held, value  # never overwritten unless accepted
        else:
            filled[name] = value
    if after:
        lookups.changes.append(
            ContactChange(row.line, person.pk, describe_person(row), before, after)
        )
    if filled:
        lookups.fills.append(IdentityFill(row.line, person.pk, describe_person(row), filled))


def _mark_accepted(lookups: Lookups, accepted: Iterable[int] | bool) -> None:
    lines = None if accepted is True else set(accepted or ())
    for change in lookups.changes:
        change.accepted = lines is None or change.line in lines


def _row_conflicts(row: ImportRow, registered: set, lookups: Lookups) -> Iterator[ImportIssue]:
    if lookups.existing.get(row.line) in registered:
        yield ImportIssue(
            row.line,
            "nom",
            _("%(person)s est déjà inscrit(e) à cette campagne.")
            % {"person": describe_person(row)},
        )
    if row.siret and not row.company_name and row.siret not in lookups.companies:
        yield ImportIssue(
            row.line,
            "entreprise",
            _("raison sociale manquante pour le SIRET %(siret)s, inconnu à ce jour.")
            % {"siret": row.siret},
        )


# --- Writing -----------------------------------------------------------------------------------


def write_rows(
    *,
    campaign: Campaign,
    rows: list[ImportRow],
    lookups: Lookups,
    by: Any,
    source: str,
    late_reason: str = "",
) -> "CreatedRegistrations":
    """Bulk-insert what the rows need, then their registrations and audit entries, batch by
    batch (memory stays flat however long the file); returns the new registrations. A late
    import (evaluations started) records its reason on each registration and entry."""
    actor = by if getattr(by, "is_authenticated", False) else None
    source = source[:200]
    _create_tutors(rows, lookups, by=by, source=source)
    _create_companies(rows, lookups)
    people = _create_candidates(rows, lookups)
    _apply_changes(lookups, actor=actor, source=source)
    today = timezone.localdate()
    ids: list[int] = []
    event_type(ACTION_REGISTRATION)  # bulk writes skip audit_log: the same check, once
    for batch in _batches(rows):
        registrations = [
            Registration(
                campaign=campaign,
                candidate_id=people[row.line],
                company_id=lookups.companies.get(row.siret) if row.siret else None,
                pathway=row.pathway,
                access_mode=row.access_mode,
                vae_way=row.vae_way,
                registration_initiative=row.registration_initiative,
                tutor_id=lookups.tutors.get(row.tutor_email) if row.tutor_email else None,
                registered_on=today,
                stage=row.stage,
                late_reason=late_reason,
            )
            for row in batch
        ]
        Registration.objects.bulk_create(registrations, batch_size=BATCH)
        AuditEntry.objects.bulk_create(
            [
                _registration_entry(row, registration, campaign, actor, source, late_reason)
                for row, registration in zip(batch, registrations, strict=True)
            ],
            batch_size=BATCH,
        )
        ids += [registration.pk for registration in registrations]
    created = CreatedRegistrations(ids)
    emit(
        REGISTRATIONS_CREATED,
        **RegistrationsCreated(campaign=campaign, registrations=created, by=actor),
    )
    return created


class CreatedRegistrations(Sequence):
    """The registrations an import created, for the hook: their count at no cost, the rows
    themselves loaded by batches only if a handler reads them (100,000 instances would not fit
    the import's memory budget)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(Registration.objects.filter(pk__in=self.ids[index]).order_by("pk"))
        return Registration.objects.get(pk=self.ids[index])

    def __iter__(self) -> Iterator[Registration]:
        for batch in _batches(self.ids):
            yield from Registration.objects.filter(pk__in=batch).order_by("pk")


def _registration_entry(
    row: ImportRow,
    registration: Registration,
    campaign: Campaign,
    actor: Any,
    source: str,
    late_reason: str = "",
) -> AuditEntry:
    return AuditEntry(
        action=ACTION_REGISTRATION,
        actor=actor,
        object_type=Registration._meta.label_lower,
        object_id=str(registration.pk),
        object_repr=f"{row.last_name.upper()} {row.first_name} — {campaign}"[:255],
        data={
            "before": None,
            "after": {
                "candidate_id": registration.candidate_id,
                "stage": registration.stage,
                "pathway": registration.pathway,
            },
            "source": source,
            **({"late_reason": late_reason} if late_reason else {}),
        },
        registration_id=registration.pk,
        centre_id=campaign.centre_id,
    )


def _create_tutors(rows: list[ImportRow], lookups: Lookups, *, by: Any, source: str) -> None:
    """Accounts for the tutors the file names, through the one account service."""
    wanted = {r.tutor_email for r in rows if r.tutor_email} - lookups.tutors.keys()
    accounts = accounts_bulk_invite(emails=wanted, by=by, data={"source": source, "role": "tutor"})
    lookups.tutors.update((email, user.pk) for email, user in accounts.items())


def _create_companies(rows: list[ImportRow], lookups: Lookups) -> None:
    names: dict[str, str] = {}
    for row in rows:
        if row.siret and row.siret not in lookups.companies:
            names.setdefault(row.siret, row.company_name)
    companies = [Company(name=name, siret=siret) for siret, name in names.items()]
    Company.objects.bulk_create(companies, batch_size=BATCH)
    lookups.companies.update((company.siret, company.pk) for company in companies)


def _create_candidates(rows: list[ImportRow], lookups: Lookups) -> dict[int, int]:
    """line -> Candidate pk, for known people and the new ones inserted here by batches."""
    people = dict(lookups.existing)
    new_rows = [row for row in rows if row.line in lookups.new_people]
    for batch in _batches(new_rows):
        new = [
            Candidate(
                civility=row.civility,
                last_name=row.last_name,
                first_name=row.first_name,
                birth_date=row.birth_date,
                email=row.email,
                phone=row.phone,
                homonym=lookups.new_people[row.line],
                **row.identity,
            )
            for row in batch
        ]
        Candidate.objects.bulk_create(new, batch_size=BATCH)
        people.update((row.line, candidate.pk) for row, candidate in zip(batch, new, strict=True))
    return people


def _apply_changes(lookups: Lookups, *, actor: Any, source: str) -> None:
    """The accepted changes and every fill-in, written and audited (one entry per line)."""
    written = [(c.candidate_id, c.before, c.after) for c in lookups.changes if c.accepted]
    written += [(f.candidate_id, dict.fromkeys(f.values, ""), f.values) for f in lookups.fills]
    if not written:
        return
    for batch in _batches(written):
        candidates = Candidate.objects.in_bulk([candidate_id for candidate_id, *_rest in batch])
        fields: set[str] = set()
        for candidate_id, _before, after in batch:
            for name, value in after.items():
                setattr(candidates[candidate_id], name, value)
                fields.add(name)
        if "email" in fields:  # searched: bulk_update skips save(), so its text is set here
            for candidate in candidates.values():
                candidate.search_text = candidate.searchable()
            fields.add("search_text")
        Candidate.objects.bulk_update(list(candidates.values()), sorted(fields), batch_size=BATCH)
        event_type(ACTION_CONTACT)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action=ACTION_CONTACT,
                actor=actor,
                object_type=Candidate._meta.label_lower,
                object_id=str(candidate_id),
                object_repr=str(candidates[candidate_id])[:255],
                data={"before": before, "after": after, "source": source},
            )
            for candidate_id, before, after in batch
        )
