"""Checking rows against the database by batches, then writing them with bulk inserts."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import accounts_bulk_invite
from cqpm.core.models import AuditEntry
from cqpm.core.registry import event_type, fire_hook

from ..models import Campaign, Candidate, Company, Registration
from ..seams import REGISTRATIONS_CREATED
from .reading import ImportIssue, ImportRefused, ImportRow, describe_person, person_key

BATCH = 1000  # rows per lookup or INSERT (SQLite lowers it further to its parameter limit)
ACTION_REGISTRATION = "cqpm.registration.imported"


# --- Checking against the database ------------------------------------------------------------


@dataclass
class Lookups:
    people: dict[tuple, int]  # person key -> existing Candidate pk
    companies: dict[str, int]  # siret -> Company pk
    tutors: dict[str, int]  # lower-case e-mail -> User pk


def _batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def check_against_database(*, campaign: Campaign, rows: list[ImportRow]) -> Lookups:
    """Load what the rows refer to, by batches; refuse people already in the campaign."""
    registered = {
        person_key(*values)
        for values in Registration.objects.filter(campaign=campaign)
        .order_by()
        .values_list("candidate__last_name", "candidate__first_name", "candidate__birth_date")
    }
    lookups = Lookups(people={}, companies={}, tutors={})
    for dates in _batches({row.birth_date for row in rows}):
        for pk, last, first, born in (
            Candidate.objects.filter(birth_date__in=dates)
            .order_by("pk")
            .values_list("pk", "last_name", "first_name", "birth_date")
        ):
            lookups.people.setdefault(person_key(last, first, born), pk)
    for sirets in _batches({row.siret for row in rows if row.siret}):
        lookups.companies.update(
            Company.objects.filter(siret__in=sirets).order_by().values_list("siret", "pk")
        )
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    for emails in _batches({row.tutor_email for row in rows if row.tutor_email}):
        lookups.tutors.update(
            users.filter(email_lower__in=emails).order_by().values_list("email_lower", "pk")
        )
    issues = [issue for row in rows for issue in _row_conflicts(row, registered, lookups)]
    if issues:
        raise ImportRefused(issues)
    return lookups


def _row_conflicts(row: ImportRow, registered: set, lookups: Lookups) -> Iterator[ImportIssue]:
    if row.person_key in registered:
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
    *, campaign: Campaign, rows: list[ImportRow], lookups: Lookups, by: Any, source: str
) -> list[Registration]:
    """Bulk-insert what the rows need, then their registrations and audit entries."""
    actor = by if getattr(by, "is_authenticated", False) else None
    source = source[:200]
    _create_tutors(rows, lookups, by=by, source=source)
    _create_companies(rows, lookups)
    people = _create_candidates(rows, lookups)
    today = timezone.localdate()
    registrations = [
        Registration(
            campaign=campaign,
            candidate_id=people[row.person_key],
            company_id=lookups.companies.get(row.siret) if row.siret else None,
            pathway=row.pathway,
            tutor_id=lookups.tutors.get(row.tutor_email) if row.tutor_email else None,
            registered_on=today,
            stage=row.stage,
        )
        for row in rows
    ]
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    entries = [
        _entry(
            ACTION_REGISTRATION,
            registration,
            actor,
            {
                "before": None,
                "after": {
                    "candidate_id": registration.candidate_id,
                    "stage": registration.stage,
                    "pathway": registration.pathway,
                },
                "source": source,
            },
            text=f"{row.last_name.upper()} {row.first_name} — {campaign}",
            registration_id=registration.pk,
            centre_id=campaign.centre_id,
        )
        for row, registration in zip(rows, registrations, strict=True)
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    fire_hook(REGISTRATIONS_CREATED, campaign=campaign, registrations=registrations, by=actor)
    return registrations


def _entry(action: str, obj: Any, actor: Any, data: dict, text: str = "", **ids: Any) -> AuditEntry:
    event_type(action)  # bulk writes skip audit_log: the same check that the code is declared
    return AuditEntry(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(text or str(obj))[:255],
        data=data,
        **ids,
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


def _create_candidates(rows: list[ImportRow], lookups: Lookups) -> dict[tuple, int]:
    new = [
        Candidate(
            civility=row.civility,
            last_name=row.last_name,
            first_name=row.first_name,
            birth_date=row.birth_date,
            email=row.email,
            phone=row.phone,
        )
        for row in rows
        if row.person_key not in lookups.people
    ]
    Candidate.objects.bulk_create(new, batch_size=BATCH)
    people = dict(lookups.people)
    people.update((person_key(c.last_name, c.first_name, c.birth_date), c.pk) for c in new)
    return people
