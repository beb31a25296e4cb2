"""The jury signs its minutes in the product (DESIGN.md §7, issue 20).

Once a session is closed and its minutes generated, each member present signs the attendance
sheet and the president signs the minutes: after a fresh two-factor confirmation, an explicit
statement, the SHA-256 of the file they read, the time and their address, in an append-only
`Signature`. When the last signature is in, the minutes go back to the worker once and come back
with the signature block, sealed by the organisation. An amendment revokes the minutes and
renews them (documents.reactions): the new version is signed again, the old one keeps its
signatures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.services._common import ensure_staff_of
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.mail import mail_queue_message
from cqpm.core.workflow import transition
from deliberations.models import JuryMember

from .kinds import kind_of
from .models import Document, Signature, SignatureRole
from .queue import enqueue_generation

Status = Document.Status


@dataclass(frozen=True)
class SignatureLine:
    """One signature the minutes need: who, for what, and the signature once given."""

    member: JuryMember
    role: str
    signature: Signature | None

    @property
    def role_label(self) -> str:
        return SignatureRole(self.role).label


def minutes_signature_lines(*, document: Document) -> list[SignatureLine]:
    """Every signature the minutes need — the attendance sheet by each member present, the
    minutes by the president — with those already given, in two queries."""
    members = list(
        document.jury_session.members.select_related("user").order_by("-is_president", "pk")
    )
    given = {(s.member_id, s.role): s for s in document.signatures.all()}
    lines = []
    for member in members:
        roles = [SignatureRole.ATTENDANCE] if member.present else []
        if member.is_president:
            roles.append(SignatureRole.MINUTES)
        lines += [SignatureLine(member, r, given.get((member.pk, r))) for r in roles]
    return lines


def minutes_statement(*, document: Document, role: str, user: User | None = None) -> str:
    """The sentence the signer confirms, naming the session and the file's hash, agreed with
    the signer's civility where known."""
    context = {
        "date": document.jury_session.date.strftime("%d/%m/%Y"),
        "sha": document.sha256,
        "present": user.agreed(_("présent"), _("présente"), _("présent(e)"))
        if user is not None
        else _("présent(e)"),
    }
    if role == SignatureRole.MINUTES:
        return (
            _(
                "Je signe le procès-verbal du jury du %(date)s, dont j'ai pris connaissance "
                "(fichier d'empreinte SHA-256 %(sha)s), et j'en atteste l'exactitude."
            )
            % context
        )
    return (
        _(
            "Je signe la feuille d'émargement du jury du %(date)s : j'étais %(present)s à la "
            "séance (procès-verbal d'empreinte SHA-256 %(sha)s)."
        )
        % context
    )


def _ensure_signable(document: Document) -> None:
    if not kind_of(document.kind).signed_by_jury:
        raise DomainError(_("Seul le procès-verbal du jury se signe."))
    if document.status != Status.READY or not document.sha256:
        raise DomainError(
            _("Ce procès-verbal n'est pas disponible à la signature (en cours ou révoqué).")
        )
    if document.signed_at is not None:
        raise DomainError(_("Ce procès-verbal est déjà signé par tout le jury."))


def _ensure_fresh(confirmed_at: datetime.datetime | None, now: datetime.datetime) -> None:
    timeout = datetime.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
    if confirmed_at is None or confirmed_at < now - timeout:
        raise DomainError(
            _(
                "Confirmez d'abord votre identité par votre code à deux facteurs (moins de "
                "%(minutes)s minutes avant de signer)."
            )
            % {"minutes": settings.ACCOUNT_REAUTHENTICATION_TIMEOUT // 60},
            code="reauthenticate",
        )


def minutes_sign(
    *,
    document: Document,
    by: User,
    confirmed_at: datetime.datetime | None,
    client_ip: str,
    sha256: str,
) -> list[Signature]:
    """The jury member `by` signs what the minutes await from them (attendance sheet, and the
    minutes for the president), for the file of hash `sha256` they read; raises DomainError
    (not a member to sign, already signed, no fresh two-factor confirmation, another file)."""
    now = timezone.now()
    _ensure_fresh(confirmed_at, now)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _ensure_signable(document)
        if sha256 != document.sha256:
            raise DomainError(
                _("Le procès-verbal a changé depuis que vous l'avez ouvert : relisez-le.")
            )
        lines = minutes_signature_lines(document=document)
        mine = [line for line in lines if line.member.user_id == by.pk]
        if not mine:
            raise DomainError(
                _(
                    "Seuls les membres présents signent la feuille d'émargement, et le "
                    "président le procès-verbal."
                ),
                code="forbidden",
            )
        pending = [line for line in mine if line.signature is None]
        if not pending:
            raise DomainError(_("Vous avez déjà signé ce procès-verbal."))
        signed = [
            Signature.objects.create(
                document=document,
                member=line.member,
                user=by,
                role=line.role,
                statement=minutes_statement(document=document, role=line.role, user=by),
                document_sha256=document.sha256,
                signed_at=now,
                confirmed_at=confirmed_at,
                client_ip=client_ip,
            )
            for line in pending
        ]
        centre_id = document.jury_session.campaign.centre_id
        audit_log(
            action="cqpm.documents.minutes.signed",
            obj=document,
            by=by,
            data={"roles": [s.role for s in signed], "sha256": document.sha256},
            centre_id=centre_id,
        )
        if all(line.signature for line in lines if line not in pending):
            _seal_with_signatures(document, now=now, centre_id=centre_id)
    return signed


def _seal_with_signatures(document: Document, *, now: datetime.datetime, centre_id) -> None:
    """Every signature is in: the minutes are generated again, with them, and sealed."""
    transition(
        document,
        to=Status.QUEUED,
        by=None,
        action="cqpm.documents.minutes.completed",
        allowed=Document.TRANSITIONS,
        changes={"signed_at": now, "queued_at": now, "started_at": None, "finished_at": None},
        data={"before": Status.READY, "after": Status.QUEUED, "sha256": document.sha256},
        centre_id=centre_id,
    )
    enqueue_generation(document.pk)


def minutes_signatures_remind(*, document: Document, by: User) -> int:
    """Staff of the centre remind by e-mail the jury members who have not signed yet (sent after
    the commit); returns how many were reminded; DomainError if nothing is to sign."""
    ensure_staff_of(by, document.jury_session.campaign.centre_id)
    _ensure_signable(document)
    pending = {
        line.member.user
        for line in minutes_signature_lines(document=document)
        if line.signature is None and line.member.user.email
    }
    if not pending:
        raise DomainError(_("Aucune signature n'est attendue."))
    url = settings.SITE_URL + reverse("documents:sign", args=[document.pk])
    with transaction.atomic():
        for user in sorted(pending, key=lambda u: u.pk):
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string(
                    "documents/email/minutes_to_sign.txt",
                    {"user": user, "session": document.jury_session, "url": url},
                )
                subject = _("Procès-verbal du jury du %(date)s à signer") % {
                    "date": document.jury_session.date.strftime("%d/%m/%Y")
                }
            message = EmailMessage(subject=subject, body=body, to=[user.email])
            mail_queue_message(message, kind="documents/minutes_to_sign")
        audit_log(
            action="cqpm.documents.minutes.reminded",
            obj=document,
            by=by,
            data={"users": sorted(u.pk for u in pending)},
            centre_id=document.jury_session.campaign.centre_id,
        )
    return len(pending)
