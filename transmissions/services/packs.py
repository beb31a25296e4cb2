"""The transmission pack of a closed jury session: opened when the session closes, built in a
worker once the minutes and notices are ready, sent (recorded by staff), and marked to resend
when an amendment comes after the sending (DESIGN.md §5.6, issue 15).

Rules: one pack per session, due three months after the jury; a pack is built only from ready
documents; a build started before a change (amendment, rebuild request) never overwrites the
newer state (`generation`); a sending is recorded only for an up-to-date archive.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
from functools import partial
from typing import IO, Any, Literal

from dateutil.relativedelta import relativedelta
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.access import can_id
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.queueing import enqueue_on_commit
from cqpm.core.registry import emit
from cqpm.core.workflow import transition
from deliberations.models import Decision, JurySession
from documents.kinds import kind_of, kinds_at
from documents.models import Document
from documents.services import document_request

from ..events import PACK_SENT, PackSent
from ..models import PackSending, TransmissionPack
from .contents import write_pack
from .uploads import acknowledgement_check

logger = logging.getLogger(__name__)

Status = TransmissionPack.Status
DUE_AFTER = relativedelta(months=3)
BuildOutcome = Literal["built", "waiting", "failed", "skipped"]


def pack_due_on(jury_date: datetime.date) -> datetime.date:
    """The composition and deliberation reach the GTP within three months of the jury."""
    due: datetime.date = jury_date + DUE_AFTER
    return due


def _centre_id(pack: TransmissionPack) -> int:
    return pack.session.campaign.centre_id


# --- Opening ---------------------------------------------------------------------------------


def pack_open(*, session: JurySession, by: User | None) -> TransmissionPack:
    """The session's pack, created (and its build queued) if missing; DomainError if the
    session is not closed."""
    if not session.is_closed:
        raise DomainError(_("Le dossier de transmission se prépare une fois le jury clos."))
    with transaction.atomic():
        pack, created = TransmissionPack.objects.get_or_create(
            session=session, defaults={"due_on": pack_due_on(session.date)}
        )
        if created:
            audit_log(
                action="cqpm.transmissions.pack.opened",
                obj=pack,
                by=by,
                data={"due_on": pack.due_on.isoformat()},
                centre_id=session.campaign.centre_id,
            )
            enqueue_build(pack.pk)
    return pack


def on_jury_session_closed(
    *, session: JurySession, decisions: list[Decision], by: User | None = None
) -> None:
    """Lifecycle hook (deliberations.jury_session_closed), in the closing transaction: the pack
    row is created with it; its build is queued for after the commit."""
    pack_open(session=session, by=by)


def pack_prepare(*, session: JurySession, by: User) -> TransmissionPack:
    """Staff open the pack of a session closed before this feature existed; DomainError."""
    _ensure_staff(by, session.campaign.centre_id)
    return pack_open(session=session, by=by)


def _ensure_staff(by: User, centre_id: int) -> None:
    if not can_id(by, "centre.manage", centre_id):
        raise DomainError(_("Seul le personnel du centre d'examen gère la transmission au GTP."))


# --- Building (runs in a worker) -------------------------------------------------------------


def enqueue_build(pack_id: int) -> None:
    enqueue_on_commit("transmissions.tasks.build_pack", pack_id)


def _required_documents(session: JurySession) -> tuple[Document, list[Document]]:
    """The minutes and the notice of every non-admissible candidate (documents.kinds: the kinds
    with a place in the pack, for the outcomes they go there for), requested if missing (a
    request returns the live document, so this is safe to repeat)."""
    (minutes,) = [
        document_request(kind=kind.code, jury_session=session, by=None)
        for kind in kinds_at("minutes")
    ]
    notices = [
        document_request(kind=kind.code, registration=decision.registration, by=None)
        for kind in kinds_at("notice")
        for decision in session.decisions.filter(
            is_active=True, outcome__in=kind.packed_outcomes
        ).select_related("registration__campaign")
    ]
    return minutes, notices


def pack_build(*, pack_id: int) -> BuildOutcome:
    """Write the pack's ZIP once every document it holds is ready; "waiting" otherwise (the
    documents' `document_ready` hook queues the build again). Safe to run twice."""
    pack = TransmissionPack.objects.select_related("session__campaign").filter(pk=pack_id).first()
    if pack is None or not pack.outdated:
        return "skipped"
    generation = pack.generation
    try:
        minutes, notices = _required_documents(pack.session)
    except DomainError as error:
        _record_error(pack, error.message)
        return "failed"
    documents = [minutes, *notices]
    if any(d.status != Document.Status.READY for d in documents):
        return "waiting"
    documents = list(
        Document.objects.select_related("registration__candidate").filter(
            pk__in=[d.pk for d in documents]
        )
    )
    minutes = next(d for d in documents if kind_of(d.kind).pack == "minutes")
    notices = [d for d in documents if kind_of(d.kind).pack == "notice"]
    with tempfile.TemporaryFile() as handle:
        hashes = write_pack(handle, session=pack.session, minutes=minutes, notices=notices)
        sha256, size = _digest(handle)
        name = default_storage.save(_archive_name(pack), File(handle))
    return _finish_build(pack, generation, name=name, sha256=sha256, size=size, files=hashes)


def _digest(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(256 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def _archive_name(pack: TransmissionPack) -> str:
    session = pack.session
    return (
        f"transmissions/{session.pk}/"
        f"transmission-gtp-jury-{session.date:%Y-%m-%d}-v{pack.version + 1}.zip"
    )


def _finish_build(
    pack: TransmissionPack,
    generation: int,
    *,
    name: str,
    sha256: str,
    size: int,
    files: list[tuple[str, str]],
) -> BuildOutcome:
    with transaction.atomic():
        locked = TransmissionPack.objects.select_for_update().get(pk=pack.pk)
        if locked.generation != generation or not locked.outdated:
            # Something changed while we built (or another build won): ours is not kept.
            transaction.on_commit(partial(_delete_quietly, name))
            return "skipped"
        previous = locked.archive.name if locked.archive else ""
        locked.archive.name = name
        locked.sha256, locked.size = sha256, size
        locked.version = F("version") + 1
        locked.built_at = timezone.now()
        locked.outdated = False
        locked.build_error = ""
        locked.save()
        locked.refresh_from_db()
        audit_log(
            action="cqpm.transmissions.pack.built",
            obj=locked,
            data={"version": locked.version, "sha256": sha256, "files": len(files) + 1},
            centre_id=_centre_id(locked),
        )
        if locked.status == Status.TO_PREPARE:
            transition(
                locked,
                to=Status.READY,
                by=None,
                action="cqpm.transmissions.pack.ready",
                allowed=TransmissionPack.TRANSITIONS,
                centre_id=_centre_id(locked),
            )
        if previous and previous != name:
            transaction.on_commit(partial(_delete_quietly, previous))
    return "built"


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not delete the old transmission archive %s", name)


def _record_error(pack: TransmissionPack, message: str) -> None:
    TransmissionPack.objects.filter(pk=pack.pk).update(build_error=message[:1000])


def on_document_ready(*, document: Document) -> None:
    """Lifecycle hook (documents.document_ready): a pack waiting for its session's minutes or
    notices is built once they are ready (queued after the commit)."""
    kind = kind_of(document.kind)
    if kind.pack is None:
        return
    if kind.signed_by_jury and document.signed_at is not None:
        _outdate_unsigned_minutes(document)
    pack_id = (
        TransmissionPack.objects.filter(session_id=document.jury_session_id, outdated=True)
        .values_list("pk", flat=True)
        .first()
    )
    if pack_id is not None:
        enqueue_build(pack_id)


def _outdate_unsigned_minutes(document: Document) -> None:
    """The signed, sealed minutes replace the unsigned ones a pack was built with: the pack is
    to build again, and to send again if it went (audited cqpm.transmissions.pack.minutes_signed).
    A pack built after the signatures already holds them."""
    pack = (
        TransmissionPack.objects.select_for_update()
        .filter(session_id=document.jury_session_id, outdated=False, built_at__isnull=False)
        .first()
    )
    signed_at = document.signed_at
    if pack is None or signed_at is None or pack.built_at is None or pack.built_at > signed_at:
        return
    TransmissionPack.objects.filter(pk=pack.pk).update(
        outdated=True, generation=F("generation") + 1
    )
    moves: dict[str, str] = {Status.READY: Status.TO_PREPARE, Status.SENT: Status.TO_RESEND}
    to = moves.get(pack.status)
    data = {"minutes": document.pk, "sha256": document.sha256}
    if to is None:
        audit_log(
            action="cqpm.transmissions.pack.minutes_signed",
            obj=pack,
            data={"before": pack.status, "after": pack.status, **data},
            centre_id=_centre_id(pack),
        )
        return
    transition(
        pack,
        to=to,
        by=None,
        action="cqpm.transmissions.pack.minutes_signed",
        allowed=TransmissionPack.TRANSITIONS,
        data=data,
        centre_id=_centre_id(pack),
    )


def pack_rebuild(*, pack: TransmissionPack, by: User) -> TransmissionPack:
    """Staff ask for the archive to be built again from the current documents (a build already
    under way is superseded); DomainError outside their centre."""
    _ensure_staff(by, _centre_id(pack))
    with transaction.atomic():
        locked = TransmissionPack.objects.select_for_update().get(pk=pack.pk)
        TransmissionPack.objects.filter(pk=locked.pk).update(
            outdated=True, generation=F("generation") + 1, build_error=""
        )
        audit_log(
            action="cqpm.transmissions.pack.rebuild_requested",
            obj=locked,
            by=by,
            centre_id=_centre_id(locked),
        )
        enqueue_build(locked.pk)
    locked.refresh_from_db()
    return locked


def packs_build_pending() -> list[int]:
    """Queue the build of every pack still to build (the daily healing: a build lost by the
    broker, or a document retried by hand)."""
    ids = list(TransmissionPack.objects.filter(outdated=True).values_list("pk", flat=True))
    for pack_id in ids:
        enqueue_build(pack_id)
    return ids


# --- Sending ---------------------------------------------------------------------------------


def pack_record_sending(
    *,
    pack: TransmissionPack,
    sent_on: datetime.date,
    channel: str,
    by: User,
    acknowledgement: IO[bytes] | None = None,
    acknowledgement_name: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> PackSending:
    """Record that the up-to-date archive was sent to the GTP (date, how, acknowledgement);
    DomainError if not built or outdated, already sent, a date in the future or before the jury,
    or an acknowledgement refused."""
    _ensure_staff(by, _centre_id(pack))
    today = today or timezone.localdate()
    if channel not in PackSending.Channel.values:
        raise DomainError(_("Choisissez le moyen d'envoi."))
    if sent_on > today:
        raise DomainError(_("La date d'envoi ne peut pas être dans le futur."))
    if sent_on < pack.session.date:
        raise DomainError(_("La date d'envoi ne peut pas précéder la date du jury."))
    stored = None
    if acknowledgement is not None:
        stored = acknowledgement_check(acknowledgement, name=acknowledgement_name)
    with transaction.atomic():
        locked = TransmissionPack.objects.select_for_update().get(pk=pack.pk)
        if locked.status == Status.SENT:
            raise DomainError(_("Ce dossier est déjà enregistré comme envoyé."))
        if not locked.can_record_sending:
            raise DomainError(
                _("Le dossier doit être prêt (archive à jour) avant d'enregistrer son envoi.")
            )
        sending = PackSending(
            pack=locked,
            sent_on=sent_on,
            channel=channel,
            note=note.strip(),
            archive_sha256=locked.sha256,
            archive_version=locked.version,
            changes=locked.changes,
            recorded_by=by,
            acknowledgement_name=(acknowledgement_name or "")[:255],
        )
        if stored is not None:
            sending.acknowledgement.save(stored.name, stored, save=False)
        sending.save()
        transition(
            locked,
            to=Status.SENT,
            by=by,
            action="cqpm.transmissions.pack.sent",
            allowed=TransmissionPack.TRANSITIONS,
            changes={"changes": []},
            data={
                "sent_on": sent_on.isoformat(),
                "channel": channel,
                "version": locked.version,
                "acknowledgement": bool(stored),
            },
            centre_id=_centre_id(locked),
        )
        emit(PACK_SENT, **PackSent(sending=sending, by=by))
    return sending


def pack_sending_acknowledge(
    *, sending: PackSending, acknowledgement: IO[bytes] | None, acknowledgement_name: str, by: User
) -> PackSending:
    """Attach the GTP's acknowledgement of receipt to a sending recorded without one (it often
    arrives weeks later), by the centre's staff or the branch itself, checked as at sending
    time; DomainError (nothing written) if no file, a file refused, or one already attached."""
    # The GTP gives it from its list of received transmissions as well (issue 21).
    if not getattr(by, "is_branch", False):
        _ensure_staff(by, _centre_id(sending.pack))
    if acknowledgement is None:
        raise DomainError(_("Choisissez l'accusé de réception à déposer."))
    stored = acknowledgement_check(acknowledgement, name=acknowledgement_name)
    with transaction.atomic():
        locked = PackSending.objects.select_for_update().get(pk=sending.pk)
        if locked.acknowledgement:
            raise DomainError(_("Un accusé de réception est déjà joint à cet envoi."))
        locked.acknowledgement_name = (acknowledgement_name or "")[:255]
        locked.acknowledgement.save(stored.name, stored, save=False)
        locked.save(update_fields=["acknowledgement", "acknowledgement_name", "updated_at"])
        audit_log(
            action="cqpm.transmissions.sending.acknowledged",
            obj=locked.pack,
            by=by,
            data={"sent_on": locked.sent_on.isoformat(), "files": [stored.name]},
            centre_id=_centre_id(locked.pack),
        )
    return locked


# --- Amendments ------------------------------------------------------------------------------


def on_decision_amended(*, old: Decision, new: Decision, by: User | None = None) -> None:
    """Lifecycle hook (deliberations.decision_amended), in the amendment's transaction: the pack
    is to be rebuilt; if it was already sent, it is « à renvoyer » with what changed."""
    pack = TransmissionPack.objects.select_for_update().filter(session_id=new.session_id).first()
    if pack is None:
        return
    # No name is copied here: pages read it from the registration (which an erasure anonymises).
    change = {
        "registration": new.registration_id,
        "before": old.outcome,
        "after": new.outcome,
        "reason": new.reason,
        "on": timezone.localdate().isoformat(),
    }
    audit: dict[str, Any] = {
        "data": {"before": old.outcome, "after": new.outcome},
        "registration_id": new.registration_id,
        "centre_id": _centre_id(pack),
    }
    TransmissionPack.objects.filter(pk=pack.pk).update(
        changes=[*pack.changes, change], outdated=True, generation=F("generation") + 1
    )
    if pack.status == Status.SENT:
        transition(
            pack,
            to=Status.TO_RESEND,
            by=by,
            action="cqpm.transmissions.pack.to_resend",
            allowed=TransmissionPack.TRANSITIONS,
            **audit,
        )
    elif pack.status == Status.READY:
        # Not sent yet: the pack simply gets prepared again with the new decision.
        transition(
            pack,
            to=Status.TO_PREPARE,
            by=by,
            action="cqpm.transmissions.pack.outdated",
            allowed=TransmissionPack.TRANSITIONS,
            **audit,
        )
    # The renewed minutes and notices are queued by the documents app; the build waits for them.
    enqueue_build(pack.pk)
