"""Documents after the jury: request, generate (in a worker), revoke, and batches with their ZIP.

Rules (DESIGN.md §5.6, §6): a certificate only for an active "admissible" decision of a closed
jury session, a notice of acquired capacities only for "not admissible", the minutes only for a
closed session. Requesting twice returns the same live document. Generation claims the job with a
conditional UPDATE, renders outside any transaction, replaces the stored file atomically (a
temporary file renamed on disk, one PUT on object storage), then marks the document ready: a
document is never served half-written.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import tempfile
import zipfile
from functools import partial
from typing import IO, Any, TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.registry import emit
from cqpm.core.storage import storage_replace
from cqpm.core.workflow import transition
from deliberations.models import Decision, JurySession
from referentials.services import referential_ensure_rncp_active

from .events import DOCUMENT_READY, DOCUMENT_REQUESTED, DOCUMENT_REVOKED
from .kinds import DocumentKind, find_kind, issued_outcomes, kind_for_outcome, kinds
from .models import Document, DocumentBatch, DocumentFile
from .queue import ARCHIVE, GENERATE, enqueue_archive, enqueue_generation, send_now

Status = Document.Status


class Source(TypedDict, total=False):
    """What a document is rendered for: a registration (with its decision's session), or a
    jury session alone."""

    registration: Registration
    jury_session: JurySession


class AuditIds(TypedDict):
    registration_id: int | None
    centre_id: int | None


ERROR_MAX_CHARS = 1000
CHUNK_BYTES = 1024 * 1024


class DocumentBusy(Exception):
    """Another worker holds the job; it is done or stale after `retry_in` seconds."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"document busy, retry in {retry_in:.0f} s")
        self.retry_in = retry_in


def stale_after() -> datetime.timedelta:
    """A running job older than the hard time limit was left by a dead worker."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def requeue_after() -> datetime.timedelta:
    """A job queued this long ago and still waiting was lost by the broker."""
    return datetime.timedelta(seconds=settings.DOCUMENTS_REQUEUE_AFTER)


def is_stale(document: Document, *, now: datetime.datetime | None = None) -> bool:
    if document.status != Status.RUNNING:
        return False
    now = now or timezone.now()
    return document.started_at is None or document.started_at < now - stale_after()


def _stale_running(now: datetime.datetime) -> Q:
    return Q(status=Status.RUNNING) & (
        Q(started_at__isnull=True) | Q(started_at__lt=now - stale_after())
    )


def _lost_in_queue(now: datetime.datetime) -> Q:
    return Q(status=Status.QUEUED) & (
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - requeue_after())
    )


# --- Requests ------------------------------------------------------------------------------


def document_request(
    *,
    kind: str,
    registration: Registration | None = None,
    jury_session: JurySession | None = None,
    by: User | None,
    batch: DocumentBatch | None = None,
) -> Document:
    """Return the live document of this kind and source, or queue a new version of it.

    Raises DomainError when the jury's decision does not allow this document.
    """
    declared = find_kind(kind)
    if declared is None:
        raise DomainError(_("Type de document inconnu."))
    source_campaign = _campaign_of(registration=registration, jury_session=jury_session)
    if source_campaign is not None:
        campaign_ensure_allows(campaign=source_campaign, activity=Activity.DOCUMENTS)
    with transaction.atomic():
        if declared.for_session:
            source, decision = _session_source(jury_session), None
        else:
            source, decision = _registration_source(declared, registration)
        live = _live_document(kind, source)
        if live is not None and decision is not None and live.decision_id != decision.pk:
            document_revoke(document=live, reason=_("Décision du jury rectifiée."), by=by)
            live = None
        if live is not None:
            return _reuse(live, by=by, batch=batch)
        return _create(kind, source, decision, by=by, batch=batch)


def _campaign_of(
    *, registration: Registration | None = None, jury_session: JurySession | None = None
) -> Campaign | None:
    if registration is not None:
        return registration.campaign
    if jury_session is not None:
        return jury_session.campaign
    return None


def _session_source(jury_session: JurySession | None) -> Source:
    if jury_session is None:
        raise DomainError(_("Le procès-verbal se rapporte à une session de jury."))
    session = JurySession.objects.select_for_update().get(pk=jury_session.pk)
    if not session.is_closed:
        raise DomainError(_("Le procès-verbal n'est disponible qu'une fois le jury clos."))
    return {"jury_session": session}


def _registration_source(
    kind: DocumentKind, registration: Registration | None
) -> tuple[Source, Decision]:
    if kind.for_session or registration is None:
        raise DomainError(_("Ce document se rapporte à une inscription."))
    # The referential (its RNCP check) and the session's campaign (the audit's centre) come
    # with the rows read here; only the registration's row is locked.
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("campaign__referential")
        .get(pk=registration.pk)
    )
    decision = (
        Decision.objects.filter(registration=registration, is_active=True)
        .select_related("session__campaign")
        .first()
    )
    if decision is None:
        raise DomainError(_("Aucune décision du jury n'est en vigueur pour cette inscription."))
    if not decision.session.is_closed:
        raise DomainError(_("Les documents ne sont délivrés qu'une fois le jury clos."))
    if decision.outcome not in kind.outcomes:
        raise DomainError(str(kind.refusal))
    if kind.needs_rncp:
        referential_ensure_rncp_active(
            referential=registration.campaign.referential, on=decision.session.date
        )
    return {"registration": registration, "jury_session": decision.session}, decision


def _live_document(kind: str, source: Source) -> Document | None:
    documents = Document.objects.select_for_update().filter(kind=kind)
    if "registration" in source:
        documents = documents.filter(registration=source["registration"])
    else:
        documents = documents.filter(jury_session=source["jury_session"], registration__isnull=True)
    return documents.exclude(status=Status.REVOKED).first()


def _reuse(live: Document, *, by: User | None, batch: DocumentBatch | None) -> Document:
    if batch is not None and live.batch_id != batch.pk:
        Document.objects.filter(pk=live.pk).update(batch=batch)
        live.batch = batch
    if live.status == Status.FAILED:
        live = _requeue(live, by=by)
    return live


def _create(
    kind: str,
    source: Source,
    decision: Decision | None,
    *,
    by: User | None,
    batch: DocumentBatch | None,
) -> Document:
    versions = Document.objects.filter(kind=kind)
    if "registration" in source:
        versions = versions.filter(registration=source["registration"])
    else:
        versions = versions.filter(jury_session=source["jury_session"], registration__isnull=True)
    version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind, version=version, decision=decision, batch=batch, **source
            )
    except IntegrityError:
        # Someone created it between our read and our write: theirs is the live one.
        live = _live_document(kind, source)
        if live is None:  # theirs was revoked meanwhile: the conflict stands
            raise
        return live
    audit_log(
        action="cqpm.documents.document.requested",
        obj=document,
        by=by,
        data={"kind": kind, "version": version},
        **_audit_ids(document),
    )
    # What goes with the new version (a certificate's credential) is founded before its render.
    emit(DOCUMENT_REQUESTED, document=document, by=by)
    enqueue_generation(document.pk)
    return document


def _requeue(
    document: Document, *, by: User | None, action: str = "cqpm.documents.document.retried"
) -> Document:
    document = transition(
        document,
        to=Status.QUEUED,
        by=by,
        action=action,
        allowed=Document.TRANSITIONS,
        changes={
            "error": "",
            "started_at": None,
            "finished_at": None,
            "queued_at": timezone.now(),
        },
        **_audit_ids(document),
    )
    enqueue_generation(document.pk)
    return document


def document_retry(*, document: Document, by: User) -> Document:
    """Queue again a failed document, one left running by a dead worker, or one the queue lost
    (still waiting past the threshold); DomainError otherwise."""
    session = document.jury_session
    campaign = session.campaign if session else _campaign_of(registration=document.registration)
    if campaign is not None:
        campaign_ensure_allows(campaign=campaign, activity=Activity.DOCUMENTS)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status == Status.RUNNING and not is_stale(locked):
            raise DomainError(_("Ce document est en cours de génération."))
        if locked.status == Status.QUEUED:
            if not locked.is_stuck:
                raise DomainError(
                    _("Ce document est déjà en file d'attente : sa génération va commencer.")
                )
            return _resend(locked, by=by)
        if locked.status not in (Status.FAILED, Status.RUNNING):
            raise DomainError(_("Seul un document en échec peut être relancé."))
        return _requeue(locked, by=by)


def _resend(document: Document, *, by: User | None) -> Document:
    """Hand a queued document to the broker again (it never reached it, or was lost there)."""
    document.queued_at = timezone.now()
    Document.objects.filter(pk=document.pk).update(queued_at=document.queued_at)
    audit_log(
        action="cqpm.documents.document.retried",
        obj=document,
        by=by,
        data={"before": Status.QUEUED, "after": Status.QUEUED},
        **_audit_ids(document),
    )
    enqueue_generation(document.pk)
    return document


def document_revoke(*, document: Document, reason: str, by: User | None) -> Document:
    """Revoke a live document with a reason; DomainError if it is already revoked or no reason."""
    if not reason.strip():
        raise DomainError(_("Indiquez le motif de la révocation."))
    with transaction.atomic():
        document = transition(
            document,
            to=Status.REVOKED,
            by=by,
            action="cqpm.documents.document.revoked",
            allowed=Document.TRANSITIONS,
            changes={"revoked_at": timezone.now(), "revoked_reason": reason.strip()},
            data={"reason": reason.strip()},
            **_audit_ids(document),
        )
        emit(DOCUMENT_REVOKED, document=document, reason=reason.strip(), by=by)
    return document


def _audit_ids(document: Document) -> AuditIds:
    session = document.jury_session
    return {
        "registration_id": document.registration_id,
        "centre_id": session.campaign.centre_id if session else None,
    }


# --- Generation (runs in a worker) ---------------------------------------------------------


def document_generate(*, document_id: int) -> Document | None:
    """Claim, render, store and hash one document; None if it is done, revoked or unknown.

    Raises DocumentBusy if another worker holds a fresh claim on it, and re-raises any
    rendering error after recording it on the document (status failed).
    """
    started = timezone.now()
    # A job interrupted again and again (its worker killed each time) is not claimed blindly:
    # only a person's retry, which queues it again, starts it over.
    under_limit = Q(attempts__lt=settings.DOCUMENTS_MAX_ATTEMPTS)
    claimable = Q(status=Status.QUEUED) | (
        (Q(status=Status.FAILED) | _stale_running(started)) & under_limit
    )
    claimed = (
        Document.objects.filter(pk=document_id)
        .filter(claimable)
        .update(status=Status.RUNNING, started_at=started, attempts=F("attempts") + 1, error="")
    )
    if not claimed:
        if not _fail_interrupted(Document.objects.filter(pk=document_id), now=started):
            _raise_if_busy(document_id, now=started)
        return None
    # Imported here: web processes, which never render, do not load WeasyPrint.
    from .rendering import RENDER_RELATED, document_pdf

    # With what the render reads (its session, centre, referential, decision): no query again.
    document = Document.objects.select_related(*RENDER_RELATED).get(pk=document_id)

    try:
        data = document_pdf(document)
        name = store_atomically(_file_name(document), data)
    except BaseException as exc:
        _finish(document, started, status=Status.FAILED, error=_describe(exc))
        raise
    return _finish(
        document, started, status=Status.READY, file=name, sha256=hashlib.sha256(data).hexdigest()
    )


def _raise_if_busy(document_id: int, *, now: datetime.datetime) -> None:
    started_at = (
        Document.objects.filter(pk=document_id, status=Status.RUNNING)
        .values_list("started_at", flat=True)
        .first()
    )
    if started_at is not None:
        remaining = (started_at + stale_after() - now).total_seconds()
        raise DocumentBusy(max(remaining, 0) + 1)


def _fail_interrupted(documents: QuerySet[Document], *, now: datetime.datetime) -> list[int]:
    """Mark failed the stale running jobs already interrupted DOCUMENTS_MAX_ATTEMPTS times."""
    exhausted = documents.filter(
        _stale_running(now), attempts__gte=settings.DOCUMENTS_MAX_ATTEMPTS
    ).select_related("jury_session__campaign")
    failed = []
    for document in exhausted:
        with transaction.atomic():
            updated = Document.objects.filter(pk=document.pk, status=Status.RUNNING).update(
                status=Status.FAILED,
                finished_at=now,
                error=_(
                    "La génération a été interrompue %(n)s fois (délai dépassé ou service "
                    "arrêté) : relancez-la, et si elle échoue encore, signalez-le."
                )
                % {"n": document.attempts},
            )
            if updated:
                audit_log(
                    action="cqpm.documents.document.failed",
                    obj=document,
                    data={"before": Status.RUNNING, "after": Status.FAILED},
                    **_audit_ids(document),
                )
                failed.append(document.pk)
    return failed


def _finish(
    document: Document, started: datetime.datetime, *, status: str, **fields: Any
) -> Document | None:
    """Record the outcome if our claim still holds (no one revoked or re-claimed it)."""
    now = timezone.now()
    with transaction.atomic():
        updated = Document.objects.filter(
            pk=document.pk, status=Status.RUNNING, started_at=started
        ).update(status=status, finished_at=now, **fields)
        if not updated:
            return None
        # The row is what this UPDATE wrote (the claim held): set on the object rather than read
        # back, which would also drop the relations loaded with it (the audit reads the centre).
        document.status, document.finished_at = status, now
        for name, value in fields.items():
            setattr(document, name, value)
        action = "generated" if status == Status.READY else "failed"
        audit_log(
            action=f"cqpm.documents.document.{action}",
            obj=document,
            data={"before": Status.RUNNING, "after": status, "sha256": document.sha256},
            **_audit_ids(document),
        )
        if document.batch_id:
            transaction.on_commit(partial(_archive_if_complete, document.batch_id))
        if status == Status.READY:
            # Once per hash (the unique constraint): one INSERT … ON CONFLICT DO NOTHING.
            DocumentFile.objects.bulk_create(
                [DocumentFile(document=document, sha256=document.sha256)], ignore_conflicts=True
            )
            emit(DOCUMENT_READY, document=document)
    return document


def _describe(exc: BaseException) -> str:
    if type(exc).__name__ == "SoftTimeLimitExceeded":
        return _("Délai de génération dépassé.")
    return (_("Erreur de génération : %(error)s") % {"error": f"{type(exc).__name__}: {exc}"})[
        :ERROR_MAX_CHARS
    ]


def _file_name(document: Document) -> str:
    stem = f"{document.kind}-{document.pk}-v{document.version}"
    return f"documents/{document.jury_session_id}/{stem}.pdf"


def store_atomically(name: str, content: bytes | IO[bytes]) -> str:
    """Write `content` under `name` in the storage: readers see the old file or the whole new
    one, never half (a rename on the filesystem, one PUT on object storage)."""
    return storage_replace(name, content)


# --- Batches -------------------------------------------------------------------------------


def batch_request(*, jury_session: JurySession, by: User) -> DocumentBatch:
    """Queue the minutes and every certificate or notice of a closed session; DomainError if open.

    While the session's latest batch is still running, the same batch is returned.
    """
    campaign_ensure_allows(campaign=jury_session.campaign, activity=Activity.DOCUMENTS)
    with transaction.atomic():
        session = JurySession.objects.select_for_update().get(pk=jury_session.pk)
        if not session.is_closed:
            raise DomainError(_("Les documents ne sont générés qu'une fois le jury clos."))
        latest = session.batches.order_by("-created_at", "-pk").first()
        if latest is not None and not batch_is_complete(batch=latest):
            return latest
        batch = DocumentBatch.objects.create(jury_session=session, requested_by=by)
        for kind in kinds():
            if kind.for_session:
                document_request(kind=kind.code, jury_session=session, by=by, batch=batch)
        decisions = session.decisions.filter(
            is_active=True, outcome__in=issued_outcomes()
        ).select_related("registration")
        for decision in decisions:
            document_request(
                kind=_kind_for(decision).code,
                registration=decision.registration,
                by=by,
                batch=batch,
            )
        audit_log(
            action="cqpm.documents.batch.requested",
            obj=batch,
            by=by,
            data={"documents": batch.documents.count()},
            centre_id=session.campaign.centre_id,
        )
        if batch_is_complete(batch=batch):
            # Nothing to render (every document was ready): the archive must not wait for a
            # render that will never come.
            enqueue_archive(batch.pk)
    return batch


def _kind_for(decision: Decision) -> DocumentKind:
    kind = kind_for_outcome(decision.outcome)
    if kind is None:
        raise DomainError(_("Aucun document ne se rapporte à cette décision du jury."))
    return kind


def batch_is_complete(*, batch: DocumentBatch) -> bool:
    """No document of the batch is waiting or being generated."""
    return not batch.documents.filter(status__in=[Status.QUEUED, Status.RUNNING]).exists()


def _archive_if_complete(batch_id: int) -> None:
    batch = DocumentBatch.objects.filter(pk=batch_id).first()
    if batch is not None and batch_is_complete(batch=batch):
        enqueue_archive(batch_id)


def batch_archive(*, batch: DocumentBatch) -> DocumentBatch:
    """Write one ZIP of the batch's ready documents; skipped when it already holds exactly them.

    The previous archive stays downloadable until the new one replaces it (atomic rename)."""
    documents = list(
        batch.documents.filter(status=Status.READY)
        .select_related("registration__candidate", "jury_session")
        .order_by("kind", "pk")
    )
    key = hashlib.sha256(
        "\n".join(f"{d.pk}:{d.sha256}" for d in documents).encode("ascii")
    ).hexdigest()
    if batch.archive and batch.archive_key == key:
        # Same content: only say it was checked after the batch's last change (a failure or a
        # revocation outside it), so the page stops waiting for a new archive.
        last = _last_change(batch)
        if last is not None and batch.archived_at is not None and batch.archived_at < last:
            batch.archived_at = timezone.now()
            DocumentBatch.objects.filter(pk=batch.pk).update(archived_at=batch.archived_at)
        return batch
    with _zip(documents) as archive:
        name = store_atomically(f"documents/batches/lot-{batch.pk}.zip", archive)
    with transaction.atomic():
        locked = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        locked.archive, locked.archive_key, locked.archived_at = name, key, timezone.now()
        locked.save(update_fields=["archive", "archive_key", "archived_at", "updated_at"])
        audit_log(
            action="cqpm.documents.batch.archived",
            obj=locked,
            data={"documents": [d.pk for d in documents], "key": key},
            centre_id=locked.jury_session.campaign.centre_id,
        )
    return locked


def _last_change(batch: DocumentBatch) -> datetime.datetime | None:
    changes = batch.documents.aggregate(finished=Max("finished_at"), revoked=Max("revoked_at"))
    return max((c for c in changes.values() if c is not None), default=None)


def _archives_behind() -> QuerySet[DocumentBatch]:
    """Batches with no render pending whose archive is missing or older than a document."""
    documents = Document.objects.filter(batch=OuterRef("pk"))
    changed = documents.filter(
        Q(finished_at__gt=OuterRef("archived_at")) | Q(revoked_at__gt=OuterRef("archived_at"))
    )
    return DocumentBatch.objects.filter(
        ~Exists(documents.filter(status__in=[Status.QUEUED, Status.RUNNING])),
        (Q(archived_at__isnull=True) & Exists(documents)) | Exists(changed),
    )


# --- Healing (the periodic requeue) --------------------------------------------------------

REQUEUE_LIMIT = 1000  # per run; the next run takes the rest


def documents_requeue(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Send again what the queue lost: renders of dead workers (back to the queue, or failed
    once interrupted DOCUMENTS_MAX_ATTEMPTS times), documents the broker refused or lost, and
    archives left behind. Safe to run twice; raises the broker's error if it is still down."""
    now = now or timezone.now()
    failed = _fail_interrupted(Document.objects.all(), now=now)
    healed = []
    for document in Document.objects.filter(_stale_running(now))[:REQUEUE_LIMIT]:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            if is_stale(locked, now=now):
                _requeue(locked, by=None, action="cqpm.documents.document.requeued")
                healed.append(locked.pk)
    resent = []
    for document_id, queued_at in Document.objects.filter(_lost_in_queue(now)).values_list(
        "pk", "queued_at"
    )[:REQUEUE_LIMIT]:
        send_now(GENERATE, document_id)
        Document.objects.filter(pk=document_id, status=Status.QUEUED, queued_at=queued_at).update(
            queued_at=timezone.now()
        )
        resent.append(document_id)
    archives = list(_archives_behind().values_list("pk", flat=True)[:REQUEUE_LIMIT])
    for batch_id in archives:
        send_now(ARCHIVE, batch_id)
    return {"failed": failed, "healed": healed, "resent": resent, "archives": archives}


ZIP_SPOOL_BYTES = 8 * 1024 * 1024  # beyond this, the archive being written spills to disk


def _zip(documents: list[Document]) -> IO[bytes]:
    """The batch's ZIP in a spooled temporary file (the caller closes it): each PDF is copied
    from the storage in chunks, never the whole archive in memory."""
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)  # noqa: SIM115 - returned
    try:
        # PDFs are already compressed: store them as they are.
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for document in documents:
                if not document.file:  # erased with its holder's personal data (privacy app)
                    continue
                stamp = timezone.localtime(document.finished_at).timetuple()[:6]
                info = zipfile.ZipInfo(f"{document.pk:06d}-{document.download_name}", stamp)
                with document.file.open("rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, CHUNK_BYTES)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
