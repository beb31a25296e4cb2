"""Bulk import of registrations from a CSV or XLSX file: read, check each row, write all or none.

The file has one header row (names compared without case or accents, in any order, extra columns
ignored) with these ten columns: civilite, nom, prenom, date_naissance (JJ/MM/AAAA), email,
telephone, entreprise, siret, parcours, tuteur_email. CSV may use `;` or `,`, in UTF-8 with or
without BOM or in Windows-1252 (French Excel); XLSX is read from its first sheet with openpyxl,
which parses through defusedxml.

Rules held here (for the web page, the command and seed_demo alike):
- any bad row refuses the whole file: every error is listed with its line and column, nothing is
  written (`ImportRefused` carries them);
- every value is checked for what its column can hold (cqpm.core.validation, from the model
  fields) before anything is written, so a preview called valid always imports;
- a person is identified by names, birth date and e-mail (case and accents ignored); rows or
  known people sharing names and birth date but not the e-mail are possible homonyms, which staff
  decide per line (`homonyms={line: "same" | "same:<pk>" | "different"}`): undecided, the
  import is refused naming the lines; a known person's new contact data (e-mail, telephone) and
  other values for identity fields already filled (birth name, birth place…) are shown as a
  change, applied only for the lines in `contact_updates`; identity fields the known person
  lacks and the row gives are filled in (`fills`), shown in the preview and audited;
- a company is identified by its SIRET; a known SIRET reuses the stored company (its name is
  kept); a new SIRET needs the company name; a company name without SIRET is refused;
- `tuteur_email` is optional: a known account becomes the tutor; an unknown address creates an
  account with no usable password and no e-mail sent (staff invite tutors later; the password
  reset page lets them in); each creation is audited (`cqpm.account.created`);
- 100,000 rows in bounded memory: lookups by batches into memory, then `bulk_create` of tutors,
  companies, candidates, registrations and their audit entries by batches, in one transaction.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError

from ..lifecycle import campaign_ensure_accepts_registration
from ..models import Campaign, Registration
from ..services._common import ensure_staff_of
from .database import (
    DIFFERENT,
    SAME,
    ContactChange,
    Homonym,
    IdentityFill,
    Lookups,
    check_against_database,
    homonym_message,
    write_rows,
)
from .reading import (
    COLUMNS,
    MAX_BYTES,
    ImportIssue,
    ImportRefused,
    ImportRow,
    file_error,
    parse_file,
)

__all__ = [
    "COLUMNS",
    "DIFFERENT",
    "SAME",
    "ContactChange",
    "Homonym",
    "IdentityFill",
    "homonym_message",
    "ImportIssue",
    "ImportRefused",
    "ImportReport",
    "ImportRow",
    "parse_file",
    "registrations_bulk_create",
    "registrations_import",
]

ACTION_IMPORT = "cqpm.campaign.registrations.imported"


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    filename: str
    rows: list[ImportRow]
    new_candidates: int = 0
    new_companies: int = 0
    new_tutors: list[str] = field(default_factory=list)
    registrations: Sequence[Registration] = ()
    homonyms: list[Homonym] = field(default_factory=list)
    changes: list[ContactChange] = field(default_factory=list)
    fills: list[IdentityFill] = field(default_factory=list)
    dry_run: bool = False
    sha256: str = ""

    @property
    def undecided(self) -> list[Homonym]:
        return [question for question in self.homonyms if not question.decision]

    @property
    def count(self) -> int:
        return len(self.rows)


# --- Service -----------------------------------------------------------------------------------


def registrations_import(
    *,
    campaign: Campaign,
    file: Any,
    filename: str,
    by: Any,
    dry_run: bool = False,
    homonyms: dict[int, str] | None = None,
    contact_updates: Iterable[int] | bool = (),
    late_reason: str = "",
) -> ImportReport:
    """Register every person of a CSV/XLSX file in the campaign, or none, while registrations
    are open (during evaluations with a `late_reason`): raises ImportRefused (every error, with
    line and column; undecided homonyms) or DomainError (campaign status, data changed
    meanwhile). A dry run lists the homonyms to decide instead of refusing."""
    _check_campaign(campaign, by, late_reason)
    data = _read_bytes(file)
    rows = parse_file(data=data, filename=filename)
    sha256 = hashlib.sha256(data).hexdigest()
    del data  # the rows are all that is needed from here on
    choices = {"homonyms": homonyms, "contact_updates": contact_updates}
    if dry_run:
        lookups = check_against_database(
            campaign=campaign, rows=rows, require_decisions=False, **choices
        )
        return _report(filename, rows, lookups, dry_run=True, sha256=sha256)
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            reason = _check_campaign(locked, by, late_reason)
            lookups = check_against_database(campaign=locked, rows=rows, **choices)
            report = _report(filename, rows, lookups, dry_run=False, sha256=sha256)
            report.registrations = write_rows(
                campaign=locked,
                rows=rows,
                lookups=lookups,
                by=by,
                source=filename,
                late_reason=reason,
            )
            _audit_import(campaign=locked, report=report, by=by)
    except IntegrityError as exc:
        raise DomainError(
            _("Les données ont changé pendant l'import ; rien n'a été écrit. Réessayez.")
        ) from exc
    return report


def registrations_bulk_create(
    *, campaign: Campaign, rows: list[ImportRow], by: Any, source: str
) -> list[int]:
    """Write already-checked rows (seed_demo, benchmarks) with the import's bulk path and return
    the new registrations' ids; raises ImportRefused if a person is already registered, a
    homonym is undecided or a new company has no name."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign_ensure_accepts_registration(campaign=locked)
        lookups = check_against_database(campaign=locked, rows=rows)
        return write_rows(campaign=locked, rows=rows, lookups=lookups, by=by, source=source).ids


def _check_campaign(campaign: Campaign, by: Any, late_reason: str) -> str:
    """Staff of the centre, and a campaign that accepts registrations (lifecycle.py)."""
    ensure_staff_of(by, campaign.centre_id)
    return campaign_ensure_accepts_registration(campaign=campaign, late_reason=late_reason)


def _report(
    filename: str, rows: list[ImportRow], lookups: Lookups, *, dry_run: bool, sha256: str
) -> ImportReport:
    return ImportReport(
        filename=filename,
        rows=rows,
        homonyms=lookups.homonyms,
        changes=lookups.changes,
        fills=lookups.fills,
        new_candidates=len(lookups.new_people),
        new_companies=len({r.siret for r in rows if r.siret} - lookups.companies.keys()),
        new_tutors=sorted({r.tutor_email for r in rows if r.tutor_email} - lookups.tutors.keys()),
        dry_run=dry_run,
        sha256=sha256,
    )


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes):
        data = file
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise file_error(
            _("Le fichier dépasse %(size)d Mo.") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    return data


def _audit_import(*, campaign: Campaign, report: ImportReport, by: Any) -> None:
    audit_log(
        action=ACTION_IMPORT,
        obj=campaign,
        by=by,
        centre_id=campaign.centre_id,
        data={
            "file": report.filename[:200],
            "sha256": report.sha256,
            "registrations": report.count,
            "new_candidates": report.new_candidates,
            "new_companies": report.new_companies,
            "new_tutors": report.new_tutors,
        },
    )
