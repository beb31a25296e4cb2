"""Guards shared by the jury services: seats, president, session state, session lock, audit."""

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.access import ensure
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, InvalidTransition

from ..models import JuryMember, JurySession


def seat_of(session: JurySession, user: User) -> JuryMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return JuryMember.objects.filter(session_id=session.pk, user=user).first()


def ensure_staff_or_president(session: JurySession, by: User) -> None:
    """The access model's `jury_session.sign` (access/roles.py: staff of the centre, the
    president of the session), as every services' guard asks it (cqpm.core.access.ensure):
    superusers, who act through the admin and commands, pass, as they pass the jury's planning
    (ensure_staff_of); the president's own acts (ensure_president) stay the president's."""
    ensure(
        by,
        "jury_session.sign",
        session,
        _("Seul le personnel du centre ou le président du jury peut faire cette action."),
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
