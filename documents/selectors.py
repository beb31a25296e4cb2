"""Reads of documents, scoped by user: staff reach the jury sessions of their centres' campaigns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, Max, OuterRef, Q, QuerySet, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from candidates.models import Registration
from cqpm.core.access import scope
from cqpm.core.confirmation import Readiness
from deliberations.models import (
    BlockValidation,
    CapacityResult,
    Decision,
    JuryMember,
    JurySession,
    ResultSheet,
)
from deliberations.services.carry_over import validated_blocks

from .kinds import codes_where, issued_outcomes, kind_for_outcome, kinds
from .models import Convocation, Document, DocumentBatch

Status = Document.Status


def jury_session_list_for(*, user: User) -> QuerySet[JurySession]:
    return scope(user, "jury_session.manage", JurySession.objects.all()).select_related(
        "campaign__centre", "campaign__referential"
    )


def document_list_for(*, user: User) -> QuerySet[Document]:
    return scope(user, "document.manage", Document.objects.all()).select_related(
        "registration__candidate", "jury_session"
    )


def printable_convocation_list_for(*, user: User) -> QuerySet[Convocation]:
    """Convocations kept to print, of the registrations the user manages."""
    registrations = scope(user, "registration.manage", Registration.objects.all())
    return Convocation.objects.filter(registration__in=registrations).exclude(printable="")


def batch_list_for(*, user: User) -> QuerySet[DocumentBatch]:
    return scope(user, "document_batch.manage", DocumentBatch.objects.all())


@dataclass(frozen=True)
class DocumentRow:
    """One line of a session's documents page: a decided candidate (or the minutes)."""

    label: str
    kind: str
    kind_label: str
    registration_id: int | None
    decision: Decision | None
    document: Document | None


def session_document_rows(*, jury_session: JurySession) -> list[DocumentRow]:
    """The session's own documents (the minutes), then one row per active decision that founds
    a document (documents.kinds: their outcomes), in 2 queries."""
    live = {
        (d.kind, d.registration_id): d
        for d in Document.objects.filter(jury_session=jury_session).exclude(status=Status.REVOKED)
    }
    rows = [
        DocumentRow(
            label=str(Document.Kind(kind.code).label),
            kind=kind.code,
            kind_label=str(Document.Kind(kind.code).label),
            registration_id=None,
            decision=None,
            document=live.get((kind.code, None)),
        )
        for kind in kinds()
        if kind.for_session
    ]
    decisions = (
        Decision.objects.filter(session=jury_session, is_active=True, outcome__in=issued_outcomes())
        .select_related("registration__candidate")
        .order_by("registration__candidate__last_name", "registration__candidate__first_name")
    )
    for decision in decisions:
        founded = kind_for_outcome(decision.outcome)
        if founded is None:  # pragma: no cover - filtered above
            continue
        rows.append(
            DocumentRow(
                label=str(decision.registration.candidate),
                kind=founded.code,
                kind_label=str(Document.Kind(founded.code).label),
                registration_id=decision.registration_id,
                decision=decision,
                document=live.get((founded.code, decision.registration_id)),
            )
        )
    return rows


def revoked_documents(*, jury_session: JurySession) -> QuerySet[Document]:
    return (
        Document.objects.filter(jury_session=jury_session, status=Status.REVOKED)
        .select_related("registration__candidate")
        .order_by("-revoked_at")
    )


@dataclass(frozen=True)
class BatchProgress:
    total: int
    ready: int
    failed: int
    # The last time one of its documents finished or was revoked: an archive older than that
    # no longer holds exactly the batch's ready documents.
    last_finished: datetime.datetime | None = None
    last_revoked: datetime.datetime | None = None

    @property
    def last_change(self) -> datetime.datetime | None:
        return max((t for t in (self.last_finished, self.last_revoked) if t), default=None)

    @property
    def done(self) -> int:
        return self.ready + self.failed

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def complete(self) -> bool:
        return self.pending == 0

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def batch_progress(*, batch: DocumentBatch) -> BatchProgress:
    """Where a batch stands, in one query (revoked documents no longer count)."""
    counts = batch.documents.aggregate(
        total=Count("pk", filter=~Q(status=Status.REVOKED)),
        ready=Count("pk", filter=Q(status=Status.READY)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        last_finished=Max("finished_at"),
        last_revoked=Max("revoked_at"),
    )
    return BatchProgress(**counts)


def archive_is_current(*, batch: DocumentBatch, progress: BatchProgress) -> bool:
    """The batch is complete and its archive was made (or checked) after its last change."""
    if not (progress.complete and batch.archive and batch.archived_at):
        return False
    return progress.last_change is None or batch.archived_at >= progress.last_change


def latest_batch(*, jury_session: JurySession) -> DocumentBatch | None:
    return jury_session.batches.order_by("-created_at", "-pk").first()


def latest_archive(*, jury_session: JurySession) -> DocumentBatch | None:
    """The session's most recent ZIP, downloadable while a newer one is being prepared."""
    return jury_session.batches.exclude(archive="").order_by("-archived_at", "-pk").first()


def document_for_verification(*, code: str) -> Document | None:
    """The document a printed code designates: ready or revoked after having been delivered,
    annotated `is_current` (see current_decision_condition)."""
    return (
        Document.objects.filter(verification_code=code)
        .filter(Q(status=Status.READY) | Q(status=Status.REVOKED) & ~Q(sha256=""))
        .annotate(is_current=current_decision_condition())
        .select_related(
            "registration__candidate",
            "decision",
            "jury_session__campaign__referential",
        )
        .first()
    )


def current_decision_condition() -> Case:
    """Whether the jury decisions a document states are still the ones in force, read from the
    decisions themselves rather than from the document's status, so that an amendment makes
    every document it superseded invalid in the same instant, whatever happens to its row.

    A certificate or notice: the decision it attests is still the active one. Minutes (and a
    document made before documents recorded their decision): no decision of its session (of its
    registration) was amended since its render began."""
    amended_since = Decision.objects.filter(
        session_id=OuterRef("jury_session_id"),
        supersedes__isnull=False,
        created_at__gte=OuterRef("started_at"),
    )
    of_registration = amended_since.filter(registration_id=OuterRef("registration_id"))
    return Case(
        When(
            decision__isnull=False,
            then=Exists(Decision.objects.filter(pk=OuterRef("decision_id"), is_active=True)),
        ),
        When(registration__isnull=False, then=~Exists(of_registration)),
        default=~Exists(amended_since),
        output_field=BooleanField(),
    )


def acquired_valid_until(*, registration_id: int) -> datetime.date | None:
    """The latest validity end of the capacities a registration acquired (None if none)."""
    until: datetime.date | None = CapacityResult.objects.filter(
        sheet__registration_id=registration_id,
        outcome=CapacityResult.Outcome.ACQUIRED,
        valid_until__isnull=False,
    ).aggregate(until=Max("valid_until"))["until"]
    return until


@dataclass(frozen=True)
class BlockLine:
    """A validated block of competences (CQPM registered in the RNCP) and its validity end."""

    code: str
    title: str
    valid_until: datetime.date
    lapsed: bool


def validated_block_lines(
    *, registration_id: int, jury_date: datetime.date, on: datetime.date
) -> list[BlockLine]:
    """The blocks a registration validated, as recorded at the jury's closing, or as they
    will be (every capacity of the block acquired, jury date + 5 years) before it; [] for a
    CQPM outside the RNCP."""
    rows = [
        (v.block, v.valid_until)
        for v in BlockValidation.objects.filter(sheet__registration_id=registration_id)
        .select_related("block")
        .order_by("block__position")
    ]
    if not rows:
        sheet = (
            ResultSheet.objects.filter(registration_id=registration_id)
            .select_related("registration__campaign__referential")
            .first()
        )
        if sheet is not None:
            rows = [
                (block, end)
                for block, end, _carried in validated_blocks(
                    referential=sheet.registration.campaign.referential,
                    results=list(sheet.results.all()),
                    jury_date=jury_date,
                )
            ]
    return [BlockLine(b.code, b.title, end, end < on) for b, end in rows]


def document_for_file(*, sha256: str) -> Document | None:
    """The delivered document one of whose issued files has this SHA-256 (annotated like
    document_for_verification), or None."""
    return (
        Document.objects.filter(Q(files__sha256=sha256) | Q(sha256=sha256))
        .filter(Q(status=Status.READY) | Q(status=Status.REVOKED) & ~Q(sha256=""))
        .annotate(is_current=current_decision_condition())
        .select_related(
            "registration__candidate", "decision", "jury_session__campaign__referential"
        )
        .distinct()
        .first()
    )


def convocation_for_file(*, sha256: str) -> Convocation | None:
    """The convocation whose PDF had this SHA-256, or None."""
    return Convocation.objects.filter(sha256=sha256).order_by("-sent_at").first()


def last_convocation_of(*, convocation: Convocation) -> Convocation | None:
    """The last convocation of the same registration and kind (the one the candidate holds)."""
    return Convocation.objects.filter(
        registration_id=convocation.registration_id, kind=convocation.kind
    ).first()


def minutes_to_sign_for(*, user: User) -> QuerySet[Document]:
    """The ready minutes of the closed sessions where `user` sits on the jury (what they may read
    and sign; the service says what each must sign)."""
    return Document.objects.filter(
        kind__in=codes_where(signed_by_jury=True),
        status=Status.READY,
        jury_session__members__user=user,
    ).select_related("jury_session__campaign")


def minutes_awaiting_signature_of(*, user: User) -> QuerySet[Document]:
    """Ready, not yet signed minutes awaiting a signature of `user`: their attendance if present,
    the minutes if president, in one query."""
    from .models import Signature, SignatureRole

    seat = JuryMember.objects.filter(session=OuterRef("jury_session"), user=user)
    signed = Signature.objects.filter(document=OuterRef("pk"), user=user)
    return (
        Document.objects.filter(
            kind__in=codes_where(signed_by_jury=True), status=Status.READY, signed_at__isnull=True
        )
        .filter(
            Exists(seat.filter(present=True))
            & ~Exists(signed.filter(role=SignatureRole.ATTENDANCE))
            | Exists(seat.filter(is_president=True))
            & ~Exists(signed.filter(role=SignatureRole.MINUTES))
        )
        .select_related("jury_session__campaign")
        .order_by("jury_session__date", "pk")
    )


def live_minutes(*, jury_session: JurySession) -> Document | None:
    """The session's minutes in force (not revoked), or None."""
    return (
        Document.objects.filter(
            jury_session=jury_session, kind__in=codes_where(signed_by_jury=True)
        )
        .exclude(status=Status.REVOKED)
        .first()
    )


def batch_readiness(*, jury_session: JurySession) -> Readiness:
    """What « Générer tous les documents » makes: the minutes and one document per decided
    candidate; refused while the jury is open; candidates of the jury with no document named."""
    if not jury_session.is_closed:
        return Readiness(
            missing=[_("Le jury n'est pas clos.")],
            blocking=True,
            refusal=_("Les documents ne sont générés qu'une fois le jury clos."),
        )
    decisions = dict(
        Decision.objects.filter(session=jury_session, is_active=True).values_list(
            "registration_id", "outcome"
        )
    )
    outcomes = list(decisions.values())
    admissible = outcomes.count(Decision.Outcome.ADMISSIBLE)
    not_admissible = outcomes.count(Decision.Outcome.NOT_ADMISSIBLE)
    seats = jury_session.candidates.select_related("registration__candidate")
    missing = [
        _("%(name)s : aucune décision d'admissibilité, donc aucun document.")
        % {"name": seat.registration.candidate}
        for seat in seats
        if decisions.get(seat.registration_id)
        not in (Decision.Outcome.ADMISSIBLE, Decision.Outcome.NOT_ADMISSIBLE)
    ]
    return Readiness(
        effects=[
            _("Le procès-verbal du jury et sa feuille d'émargement."),
            ngettext(
                "%(n)s attestation de réussite (candidat admissible).",
                "%(n)s attestations de réussite (candidats admissibles).",
                admissible,
            )
            % {"n": admissible},
            ngettext(
                "%(n)s notification des capacités acquises (candidat non admissible).",
                "%(n)s notifications des capacités acquises (candidats non admissibles).",
                not_admissible,
            )
            % {"n": not_admissible},
            _("Ils sont préparés en arrière-plan ; générer à nouveau ne crée pas de doublon."),
        ],
        missing=missing,
    )
