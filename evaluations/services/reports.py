"""The candidate's report: PDF checked by content (no JavaScript, launch action or embedded
file), size-limited, versioned, flagged when late (DESIGN.md §5.3); the same file sent twice
(a double click) makes one version. Audit code `cqpm.report.uploaded`."""

import datetime
import hashlib
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity
from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.uploads import pdf_refuse_active_content

from ..models import Report
from ._common import (
    advance_stage,
    centre_id_of,
    ensure_active,
    ensure_campaign_allows,
    ensure_staff_of,
)

PDF_MAGIC = b"%PDF-"
EOF_MARKER = b"%%EOF"
# Writers may append whitespace or a few bytes of garbage after the last %%EOF.
EOF_WINDOW = 1024


def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return int(size)


def _check_pdf(upload: IO[bytes], size: int) -> None:
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(max(0, size - EOF_WINDOW))
    tail = upload.read(EOF_WINDOW)
    upload.seek(0)
    if head != PDF_MAGIC or EOF_MARKER not in tail:
        raise DomainError(
            _("Le fichier n'est pas un PDF valide : seul un document PDF est accepté.")
        )


def report_check_file(*, upload: IO[bytes]) -> int:
    """Refuse an empty, oversized or non-PDF file (by its content), or a PDF with active
    content; returns its size."""
    size = _size_of(upload)
    if size == 0:
        raise DomainError(_("Le fichier est vide : choisissez le rapport à déposer."))
    limit = settings.REPORT_MAX_BYTES
    if size > limit:
        raise DomainError(
            _("Le fichier dépasse la taille maximale autorisée (%(limit)s).")
            % {"limit": _human_size(limit)}
        )
    _check_pdf(upload, size)
    pdf_refuse_active_content(upload)
    return size


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s Mo") % {"n": f"{size / (1024 * 1024):.0f}"}
    if size >= 1024:
        return _("%(n)s Ko") % {"n": f"{size / 1024:.0f}"}
    return _("%(n)s octets") % {"n": size}


def _sha256(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def report_is_late(*, registration: Registration, today: datetime.date | None = None) -> bool:
    """After the campaign's report deadline (a date in Europe/Paris), a report is late."""
    today = today or timezone.localdate()
    return today > registration.campaign.report_deadline


def reports_recompute_late(*, campaign: Campaign, by: User | None = None) -> int:
    """The campaign's calendar changed (CAMPAIGN_CALENDAR_CHANGED): each report's « remis en
    retard » follows the report deadline now in force (handed in, in Paris, after it); returns
    how many flags changed."""
    late: list[int] = []
    on_time: list[int] = []
    rows = Report.objects.filter(registration__campaign=campaign).values_list(
        "pk", "created_at", "is_late"
    )
    for pk, created_at, was_late in rows:
        is_late = timezone.localdate(created_at) > campaign.report_deadline
        if is_late != was_late:
            (late if is_late else on_time).append(pk)
    if late:
        Report.objects.filter(pk__in=late).update(is_late=True)
    if on_time:
        Report.objects.filter(pk__in=on_time).update(is_late=False)
    return len(late) + len(on_time)


def report_upload(
    *,
    registration: Registration,
    upload: IO[bytes],
    original_name: str,
    by: User,
    accept_late: bool = False,
    today: datetime.date | None = None,
) -> Report:
    """Store a new PDF version of the report while evaluations are in progress, by staff of the
    centre or by the candidate themselves (their own space); late ones need staff's
    `accept_late`; DomainError."""
    by_candidate = registration.candidate.account_id is not None and (
        registration.candidate.account_id == getattr(by, "pk", None)
    )
    if not by_candidate:
        ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.REPORT)
    ensure_active(registration)
    size = report_check_file(upload=upload)
    is_late = report_is_late(registration=registration, today=today)
    if is_late and by_candidate:
        raise DomainError(
            _(
                "La date limite de remise des rapports (%(deadline)s) est passée : remettez "
                "votre rapport à votre centre d'examen, qui peut l'accepter en retard."
            )
            % {"deadline": registration.campaign.report_deadline.strftime("%d/%m/%Y")}
        )
    if is_late and not accept_late:
        raise DomainError(
            _(
                "La date limite de remise des rapports (%(deadline)s) est passée : cochez "
                "« accepter le rapport en retard » pour l'enregistrer."
            )
            % {"deadline": registration.campaign.report_deadline.strftime("%d/%m/%Y")}
        )
    sha256 = _sha256(upload)
    try:
        return _store_version(registration, upload, original_name, by, size, sha256, is_late)
    except IntegrityError:
        # Two requests raced past the lock (SQLite has no row lock): the version is taken.
        same = registration.reports.filter(sha256=sha256).order_by("-version").first()
        if same is None:
            raise DomainError(
                _("Un autre dépôt vient d'avoir lieu : rechargez la page et réessayez.")
            ) from None
        return same


def _store_version(
    registration: Registration,
    upload: IO[bytes],
    original_name: str,
    by: User,
    size: int,
    sha256: str,
    is_late: bool,
) -> Report:
    with transaction.atomic():
        # The registration row serialises concurrent uploads, so versions never collide; the
        # same file as the latest version (sent twice at once) is that version, not a new one.
        Registration.objects.select_for_update().get(pk=registration.pk)
        latest = registration.reports.order_by("-version").first()
        if latest is not None and latest.sha256 == sha256:
            return latest
        last = latest.version if latest is not None else 0
        report = Report(
            registration=registration,
            version=last + 1,
            original_name=(original_name or "rapport.pdf")[:255],
            size=size,
            sha256=sha256,
            uploaded_by=by,
            is_late=is_late,
        )
        report.file.save("rapport.pdf", File(upload), save=False)
        try:
            report.save()
            audit_log(
                action="cqpm.report.uploaded",
                obj=report,
                by=by,
                data={
                    "after": {"version": report.version, "sha256": sha256, "is_late": is_late},
                    "size": size,
                },
                registration_id=registration.pk,
                centre_id=centre_id_of(registration),
            )
            advance_stage(registration=registration, to=Registration.Stage.EVIDENCE, by=by)
        except Exception:
            report.file.delete(save=False)
            raise
    return report
