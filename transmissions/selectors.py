"""Reads of the transmission to the GTP, scoped to the staff of the session's centre."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from candidates.models import Registration
from cqpm.core.access import scope
from deliberations.models import Decision, JurySession
from documents.kinds import kind_of, kinds
from documents.models import Document

from .models import PackSending, TransmissionPack

if TYPE_CHECKING:
    from accounts.models import User


def session_list_for(*, user: User) -> QuerySet[JurySession]:
    """Jury sessions of the centres where the user is staff (the tracker's scope)."""
    return scope(user, "jury_session.manage", JurySession.objects.all()).select_related(
        "campaign__centre", "campaign__referential"
    )


def pack_list_for(*, user: User) -> QuerySet[TransmissionPack]:
    return scope(user, "pack.manage", TransmissionPack.objects.all()).select_related(
        "session__campaign__centre", "session__campaign__referential"
    )


def tracker_rows_for(*, user: User) -> QuerySet[JurySession]:
    """Closed sessions of the user's centres with their pack (if any), due date first."""
    return (
        session_list_for(user=user)
        .filter(status=JurySession.Status.CLOSED)
        .select_related("transmission_pack")
        .order_by("transmission_pack__due_on", "-date", "pk")
    )


def overdue_packs_for(*, user: User) -> QuerySet[TransmissionPack]:
    """Packs of the user's centres not sent although their due date has passed."""
    return (
        pack_list_for(user=user)
        .filter(status__in=TransmissionPack.PENDING, due_on__lt=timezone.localdate())
        .order_by("due_on", "pk")
    )


def sending_list_for(*, user: User) -> QuerySet[PackSending]:
    return scope(user, "pack_sending.manage", PackSending.objects.all()).select_related(
        "pack__session", "recorded_by"
    )


def pack_or_none(*, session: JurySession) -> TransmissionPack | None:
    return TransmissionPack.objects.filter(session=session).first()


@dataclass(frozen=True)
class PendingDocument:
    label: str
    status: str


def pending_documents(*, session: JurySession) -> list[PendingDocument]:
    """The live documents of the pack (documents.kinds: the minutes, the notices of the
    outcomes they go there for) not ready yet: what a build waits for."""
    packed = [kind for kind in kinds() if kind.pack is not None]
    wanted = {
        (kind.code, registration_id)
        for kind in packed
        if not kind.for_session
        for registration_id in Decision.objects.filter(
            session=session, is_active=True, outcome__in=kind.packed_outcomes
        ).values_list("registration_id", flat=True)
    }
    documents = (
        Document.objects.filter(jury_session=session)
        .exclude(status__in=[Document.Status.READY, Document.Status.REVOKED])
        .filter(kind__in=[kind.code for kind in packed])
        .select_related("registration__candidate")
        .order_by("kind", "pk")
    )
    rows = []
    for document in documents:
        if not kind_of(document.kind).for_session:
            key = (document.kind, document.registration_id)
            if document.registration is None or key not in wanted:
                continue
            label = f"{document.get_kind_display()} — {document.registration.candidate}"
        else:
            label = str(document.get_kind_display())
        rows.append(PendingDocument(label=label, status=str(document.get_status_display())))
    return rows


@dataclass(frozen=True)
class PackChange:
    candidate: str
    before: str
    after: str
    reason: str


def pack_changes(*, pack: TransmissionPack) -> list[PackChange]:
    """The amendments since the last sending, with the candidate's name as it reads today."""
    ids = [change.get("registration") for change in pack.changes]
    names = {
        registration.pk: str(registration.candidate)
        for registration in Registration.objects.filter(pk__in=ids).select_related("candidate")
    }
    labels = dict(Decision.Outcome.choices)
    return [
        PackChange(
            candidate=names.get(change.get("registration"), "—"),
            before=str(labels.get(change.get("before"), "—")),
            after=str(labels.get(change.get("after"), "—")),
            reason=change.get("reason") or "",
        )
        for change in pack.changes
    ]
