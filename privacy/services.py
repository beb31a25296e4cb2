"""The GDPR rights and the retention rules: export (audited), correction, erasure, purge.

An erasure anonymises the person (a deterministic placeholder), removes their contact details,
deletes their uploaded files and their generated PDFs from storage and takes their passages out of
the stored CDC fluxes (cdc.services.cdc_person_erase), while the certification facts
stay: registrations, results, decisions, jury minutes and every document's hash and verification
code (the certificate still verifies, under the placeholder). Audit entries are never changed;
entries written before the erasure are read through a redacted copy (privacy.redaction).
"""

from __future__ import annotations

import datetime
import hmac
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import CDC_IDENTITY_FIELDS, Campaign, Candidate, Registration
from candidates.services import PersonData, candidate_update
from cdc.services import cdc_person_erase
from cqpm.core.access import can, scope_ids
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from credentials.services import credentials_resign_erased
from deliberations.models import Decision
from documents.models import Document, DocumentBatch
from evaluations.models import Report

from .models import AuditRedaction, Erasure, RetentionItem, RetentionReport
from .redaction import personal_values, redact_value, replacer

logger = logging.getLogger(__name__)

PLACEHOLDER_NAME = "Personne effacée"
PLACEHOLDER_BIRTH_DATE = datetime.date(1900, 1, 1)
FINISHED = (Campaign.Status.CLOSED, Campaign.Status.CANCELLED)
SETTLED_STAGES = (
    Registration.Stage.ADMISSIBLE,
    Registration.Stage.NOT_ADMISSIBLE,
    Registration.Stage.WITHDRAWN,
)
# A registration still under way: its campaign runs and the jury has not settled it.
RUNNING = ~Q(campaign__status__in=FINISHED) & ~Q(stage__in=SETTLED_STAGES)


def _ensure_holds(by: User | None, candidate: Candidate) -> list[int] | None:
    """The centres of `by` that hold the person (None: the system sees all); DomainError."""
    if by is None or by.is_superuser:
        return None
    if not can(by, "person.manage", candidate):
        raise DomainError(_("Cette personne n'est pas suivie par votre centre."), code="forbidden")
    return scope_ids(by, "centre.manage")


def _anchor(candidate: Candidate, centres: list[int] | None) -> Registration | None:
    """The person's latest registration within reach, for the history an entry shows in."""
    registrations = candidate.registrations.select_related("campaign")
    if centres is not None:
        registrations = registrations.filter(campaign__centre_id__in=centres)
    return registrations.order_by("-campaign__jury_date", "-pk").first()


def person_export_record(*, candidate: Candidate, fmt: str, by: User | None) -> None:
    """Audit that the person's data was exported (who, in which format); no personal value."""
    centres = _ensure_holds(by, candidate)
    anchor = _anchor(candidate, centres)
    audit_log(
        action="cqpm.privacy.person.exported",
        obj=candidate,
        by=by,
        data={"format": fmt},
        registration_id=anchor.pk if anchor else None,
        centre_id=anchor.campaign.centre_id if anchor else None,
    )


def person_correct(*, candidate: Candidate, person: PersonData, reason: str, by: User) -> Candidate:
    """Rectify a person's identity (GDPR art. 16) through the candidates' same-person rules,
    with a reason, audited; refused for an erased person; raises DomainError."""
    centres = _ensure_holds(by, candidate)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de la rectification."))
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if Erasure.objects.filter(candidate=locked).exists():
            raise DomainError(_("Les données de cette personne ont été effacées."))
        anchor = _anchor(locked, centres)
        return candidate_update(
            candidate=locked,
            person=person,
            by=by,
            registration_id=anchor.pk if anchor else None,
            centre_id=anchor.campaign.centre_id if anchor else None,
            reason=reason,
        )


# --- Erasure -------------------------------------------------------------------------------------


def placeholder_code(candidate_id: int) -> str:
    """Deterministic, not reversible without the secret key: the same person, the same code."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"cqpm.privacy.candidate:{candidate_id}".encode(), "sha256"
    )
    return digest.hexdigest()[:6].upper()


@dataclass
class _Erased:
    files: list[tuple[object, str]] = field(default_factory=list)  # (storage, name)
    # The files written meanwhile (the CDC fluxes rewritten), deleted if the erasure rolls back.
    written: list[tuple[object, str]] = field(default_factory=list)
    # Stored files already missing (a CDC flux's): nothing to delete, said in the audit entry.
    missing: list[str] = field(default_factory=list)


def person_erase(
    *, candidate: Candidate, by: User | None, source: str = Erasure.Source.REQUEST
) -> Erasure:
    """Erase a person (GDPR art. 17) once none of their campaigns is still under way: identity
    anonymised, contact details removed, uploaded reports and generated PDFs deleted from
    storage, older audit entries read redacted; decisions, results, jury minutes and document
    hashes and codes kept. Audited without any erased value; raises DomainError."""
    centres = _ensure_holds(by, candidate)
    erased = _Erased()
    try:
        erasure, redacted = _erase(candidate, by, source, centres, erased)
    except BaseException:
        # Rolled back: the fluxes' rewritten files go, the former ones stay (nothing half-done).
        _delete_files(erased.written)
        raise
    logger.info(
        "Personal data erased (erasure %s, source %s): %d files deleted, %d audit entries "
        "redacted.",
        erasure.pk,
        source,
        erasure.files_deleted,
        redacted,
    )
    return erasure


def _erase(
    candidate: Candidate, by: User | None, source: str, centres: list[int] | None, erased: _Erased
) -> tuple[Erasure, int]:
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if Erasure.objects.filter(candidate=locked).exists():
            raise DomainError(_("Les données de cette personne ont déjà été effacées."))
        if locked.registrations.filter(RUNNING).exists():
            raise DomainError(
                _(
                    "Une campagne de cette personne est encore en cours : l'effacement n'est "
                    "possible qu'une fois le jury passé (ou après sa désinscription)."
                )
            )
        code = placeholder_code(locked.pk)
        placeholder = f"{PLACEHOLDER_NAME} {code}"
        registration_ids = list(locked.registrations.values_list("pk", flat=True))
        erasure = Erasure.objects.create(
            candidate=locked, code=code, source=source, erased_by=by if by else None
        )
        redacted = _redact_audit(locked, registration_ids, erasure, placeholder)
        _drop_reports(registration_ids, erased)
        _drop_documents(registration_ids, erased)
        # The CDC's stored fluxes named the person: rewritten without their passages.
        fluxes = cdc_person_erase(
            registration_ids=registration_ids,
            replace=replacer(personal_values(locked), placeholder),
        )
        erased.files += fluxes.stale
        erased.written += fluxes.written
        erased.missing += fluxes.missing
        _anonymise(locked, placeholder)
        # The stored badges named the person: signed again from the anonymised record.
        credentials_resign_erased(registration_ids=registration_ids)
        erasure.files_deleted = len(erased.files)
        erasure.save(update_fields=["files_deleted"])
        _audit_erasure(locked, erasure, centres, erased.missing)
        transaction.on_commit(lambda: _delete_files(erased.files))
    return erasure, redacted


def _redact_audit(
    candidate: Candidate, registration_ids: list[int], erasure: Erasure, placeholder: str
) -> int:
    replace = replacer(personal_values(candidate), placeholder)
    entries = AuditEntry.objects.filter(
        Q(registration_id__in=registration_ids)
        | Q(object_type="candidates.candidate", object_id=str(candidate.pk))
    ).exclude(pk__in=AuditRedaction.objects.values("entry_id"))
    redactions = []
    for entry_id, object_repr, data in entries.values_list("pk", "object_repr", "data"):
        new_repr, new_data = replace(object_repr), redact_value(data, replace)
        if (new_repr, new_data) != (object_repr, data):
            redactions.append(
                AuditRedaction(
                    entry_id=entry_id, erasure=erasure, object_repr=new_repr, data=new_data
                )
            )
    AuditRedaction.objects.bulk_create(redactions, batch_size=500)
    return len(redactions)


def _drop_reports(registration_ids: list[int], erased: _Erased) -> None:
    reports = Report.objects.filter(registration_id__in=registration_ids).exclude(file="")
    for report in reports:
        erased.files.append((report.file.storage, report.file.name))
    Report.objects.filter(registration_id__in=registration_ids).update(file="", original_name="")


def _drop_documents(registration_ids: list[int], erased: _Erased) -> None:
    # The certificate and notices name the person; their hash and verification code stay, so
    # the public page still says genuine and valid (under the placeholder). The jury minutes
    # are kept whole: the legal record of the jury (docs/PRIVACY.md).
    documents = Document.objects.filter(registration_id__in=registration_ids)
    for document in documents.exclude(file=""):
        erased.files.append((document.file.storage, document.file.name))
    batches = DocumentBatch.objects.filter(documents__in=documents).exclude(archive="").distinct()
    for batch in batches:
        erased.files.append((batch.archive.storage, batch.archive.name))
    DocumentBatch.objects.filter(pk__in=[b.pk for b in batches]).update(archive="", archive_key="")
    documents.exclude(file="").update(file="")


# The deposit's identity but the birth name, which takes the placeholder (_anonymise).
ERASED_IDENTITY = tuple(name for name in CDC_IDENTITY_FIELDS if name != "birth_name")


def _anonymise(candidate: Candidate, placeholder: str) -> None:
    taken = Candidate.objects.filter(
        last_name=placeholder, first_name="", birth_date=PLACEHOLDER_BIRTH_DATE
    ).aggregate(top=Max("homonym"))["top"]
    candidate.civility = ""
    candidate.last_name = placeholder
    candidate.first_name = ""
    candidate.birth_date = PLACEHOLDER_BIRTH_DATE
    candidate.email = ""
    candidate.phone = ""
    candidate.address = ""
    # The deposit's identity too: the birth name is the placeholder, the rest is emptied.
    candidate.birth_name = placeholder
    for name in ERASED_IDENTITY:
        setattr(candidate, name, "")
    candidate.homonym = 0 if taken is None else taken + 1
    candidate.save()


def _audit_erasure(
    candidate: Candidate, erasure: Erasure, centres: list[int] | None, missing: list[str]
) -> None:
    data: dict[str, object] = {"source": erasure.source, "files": erasure.files_deleted}
    if missing:  # the stored files already gone (their names hold no personal value)
        data["missing_files"] = missing
    registrations = candidate.registrations.select_related("campaign")
    if centres is not None:
        registrations = registrations.filter(campaign__centre_id__in=centres)
    written = False
    for registration in registrations:
        audit_log(
            action="cqpm.privacy.person.erased",
            obj=candidate,
            by=erasure.erased_by,
            data=data,
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
        written = True
    if not written:
        audit_log(
            action="cqpm.privacy.person.erased", obj=candidate, by=erasure.erased_by, data=data
        )


def _delete_files(files: list[tuple[object, str]]) -> None:
    # After the commit: a rolled-back erasure leaves its files in place.
    for storage, name in files:
        try:
            storage.delete(name)  # type: ignore[attr-defined]
        except OSError:
            logger.warning("A stored file could not be deleted after an erasure.", exc_info=True)


# --- Retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    kind: str
    candidate_id: int
    centre_id: int | None
    last_activity: datetime.date
    evidence_id: int | None = None


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_due(*, today: datetime.date | None = None) -> list[DueItem]:
    """What the retention rules say must go today (reads only): people never certified whose
    last campaign ended CQPM_RETENTION_UNCERTIFIED_YEARS ago, and reports uploaded
    CQPM_RETENTION_EVIDENCE_YEARS ago in finished campaigns. One item per centre holding it."""
    today = today or timezone.localdate()
    return _people_due(today) + _evidence_due(today)


def _people_due(today: datetime.date) -> list[DueItem]:
    cutoff = _years_before(today, settings.CQPM_RETENTION_UNCERTIFIED_YEARS)
    certified = Decision.objects.filter(is_active=True, outcome=Decision.Outcome.ADMISSIBLE).values(
        "registration__candidate_id"
    )
    people = (
        Candidate.objects.filter(erasure__isnull=True, registrations__isnull=False)
        .exclude(pk__in=certified)
        .exclude(registrations__in=Registration.objects.filter(RUNNING))
        .annotate(last=Max("registrations__campaign__jury_date"))
        .filter(last__lt=cutoff)
        .distinct()
    )
    rows = Registration.objects.filter(candidate__in=people.values("pk")).values_list(
        "candidate_id", "campaign__centre_id", "campaign__jury_date"
    )
    latest: dict[tuple[int, int], datetime.date] = {}
    last: dict[int, datetime.date] = {}
    for candidate_id, centre_id, jury_date in rows:
        latest[(candidate_id, centre_id)] = jury_date
        last[candidate_id] = max(jury_date, last.get(candidate_id, jury_date))
    return [
        DueItem(RetentionItem.Kind.PERSON, candidate_id, centre_id, last[candidate_id])
        for candidate_id, centre_id in sorted(latest)
    ]


def _evidence_due(today: datetime.date) -> list[DueItem]:
    cutoff = _years_before(today, settings.CQPM_RETENTION_EVIDENCE_YEARS)
    rows = (
        Report.objects.exclude(file="")
        .filter(created_at__date__lt=cutoff, registration__campaign__status__in=FINISHED)
        .values_list(
            "pk", "registration__candidate_id", "registration__campaign__centre_id", "created_at"
        )
        .order_by("pk")
    )
    return [
        DueItem(
            RetentionItem.Kind.EVIDENCE,
            candidate_id,
            centre_id,
            timezone.localdate(uploaded),
            evidence_id=pk,
        )
        for pk, candidate_id, centre_id, uploaded in rows
    ]


def retention_report_write(*, today: datetime.date | None = None) -> RetentionReport:
    """Today's report of what is due (once a day: a second call returns the same report)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        report, created = RetentionReport.objects.get_or_create(day=today)
        if created:
            RetentionItem.objects.bulk_create(
                [
                    RetentionItem(
                        report=report,
                        kind=item.kind,
                        candidate_id=item.candidate_id,
                        centre_id=item.centre_id,
                        evidence_id=item.evidence_id,
                        last_activity=item.last_activity,
                    )
                    for item in retention_due(today=today)
                ],
                batch_size=500,
            )
    return report


def evidence_purge(*, report: Report, by: User | None = None) -> bool:
    """Delete an uploaded report's file from storage (its metadata and hash stay), audited;
    False when it was already gone."""
    with transaction.atomic():
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("registration__campaign")
            .get(pk=report.pk)
        )
        if not locked.file:
            return False
        storage, name = locked.file.storage, locked.file.name
        Report.objects.filter(pk=locked.pk).update(file="")
        audit_log(
            action="cqpm.privacy.evidence.purged",
            obj=locked,
            by=by,
            data={"version": locked.version},
            registration_id=locked.registration_id,
            centre_id=locked.registration.campaign.centre_id,
        )
        transaction.on_commit(lambda: _delete_files([(storage, name)]))
    return True


def retention_purge(
    *, today: datetime.date | None = None, reports: list[RetentionReport] | None = None
) -> dict[str, int]:
    """Purge the items of the given reports (default: reports at least
    CQPM_RETENTION_NOTICE_DAYS old) that are still due today; never a decision, a jury minutes
    or an audit entry. Safe to run twice. Logs counts only."""
    today = today or timezone.localdate()
    if reports is None:
        oldest = today - datetime.timedelta(days=settings.CQPM_RETENTION_NOTICE_DAYS)
        reports = list(RetentionReport.objects.filter(day__lte=oldest))
    pending = RetentionItem.objects.filter(report__in=reports, purged_at__isnull=True)
    due = retention_due(today=today)
    due_people = {i.candidate_id for i in due if i.kind == RetentionItem.Kind.PERSON}
    due_files = {i.evidence_id for i in due if i.kind == RetentionItem.Kind.EVIDENCE}
    counts = {"people": 0, "files": 0, "refused": 0}
    people = set(
        pending.filter(kind=RetentionItem.Kind.PERSON).values_list("candidate_id", flat=True)
    )
    for candidate in Candidate.objects.filter(pk__in=people & due_people).order_by("pk"):
        try:
            person_erase(candidate=candidate, by=None, source=Erasure.Source.RETENTION)
            counts["people"] += 1
        except DomainError:
            counts["refused"] += 1
    files = set(
        pending.filter(kind=RetentionItem.Kind.EVIDENCE).values_list("evidence_id", flat=True)
    )
    for report in Report.objects.filter(pk__in=files & due_files).order_by("pk"):
        counts["files"] += evidence_purge(report=report)
    now = timezone.now()
    RetentionItem.objects.filter(purged_at__isnull=True).filter(
        Q(kind=RetentionItem.Kind.PERSON, candidate__erasure__isnull=False)
        | Q(kind=RetentionItem.Kind.EVIDENCE, evidence__file="")
    ).update(purged_at=now)
    logger.info(
        "Retention purge: %d people anonymised, %d files deleted, %d refused.",
        counts["people"],
        counts["files"],
        counts["refused"],
    )
    return counts


def retention_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily beat: purge what reports at least the notice period old listed, then write
    today's report of what is due (read by staff before it goes)."""
    today = today or timezone.localdate()
    counts = retention_purge(today=today)
    report = retention_report_write(today=today)
    counts["reported"] = report.items.count()
    logger.info("Retention report of %s: %d items.", today.isoformat(), counts["reported"])
    return counts


def retention_purge_now(*, today: datetime.date | None = None) -> dict[str, int]:
    """The operator's explicit purge (`retention_purge` without --dry-run): today's report is
    written first, then everything it lists is purged at once."""
    report = retention_report_write(today=today)
    return retention_purge(today=today, reports=[report])
