"""Guards shared by the jury services: seats, president, session state, session lock, audit."""

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.access import can
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, InvalidTransition

from ..models import JuryMember, JurySession


def seat_of(session: JurySession, user: User) -> JuryMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return JuryMember.objects.filter(session_id=session.pk, user=user).first()


def ensure_staff_or_president(session: JurySession, by: User) -> None:
    if can(by, "jury_session.manage", session):
        return
    seat = seat_of(session, by)
    if seat is None or not seat.is_president:
        raise DomainError(
            _("Seul le personnel du centre ou le président du jury peut faire cette action."),
            code="forbidden",
        )


def ensure_president(session: JurySession, by: User) -> JuryMember:
    seat = seat_of(session, by)
    if seat is None or not seat.is_president:
        raise DomainError(_("Seul le président du jury peut faire cette action."), code="forbidden")
    return seat


def ensure_status(session: JurySession, *allowed: str, message: str) -> None:
    if session.status not in allowed:
        raise InvalidTransition(message)


def lock_session(session: JurySession) -> JurySession:
    return (
        JurySession.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=session.pk)
    )


def audit_jury(
    action: str,
    obj: Any,
    by: User,
    session: JurySession,
    data: dict[str, Any],
    reg_id: int | None = None,
) -> None:
    audit_log(
        action=action,
        obj=obj,
        by=by,
        data=data,
        registration_id=reg_id,
        centre_id=session.campaign.centre_id,
    )
