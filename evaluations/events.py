"""The events the evaluations app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event
from cqpm.core.sessions import SessionCalledOff

if TYPE_CHECKING:
    from accounts.models import User

    from .models import CommissionSession

# Emitted inside the transaction that dates a commission session (created, rescheduled or its
# date, time or place changed; each audited on its own). A reaction raises DomainError (field
# "date") when something planned after the commission (a jury) would no longer follow it.
COMMISSION_SESSION_DATED = "cqpm.commission.session.dated"
# Emitted inside the transaction that cancels a commission session (the cancellation and each
# candidate taken off it are audited on their own): later apps tell those they had convoked.
COMMISSION_SESSION_CALLED_OFF = "cqpm.commission.session.called_off"


class CommissionSessionDated(TypedDict):
    session: CommissionSession
    by: User | None


def declare() -> None:
    declare_event(
        COMMISSION_SESSION_DATED,
        _("Commission datée"),
        _("La commission d'évaluation {object} a une nouvelle date, heure ou lieu."),
        payload=CommissionSessionDated,
        audited=False,
    )
    declare_event(
        COMMISSION_SESSION_CALLED_OFF,
        _("Commission annulée (convocations)"),
        _("La commission d'évaluation {object} est annulée (motif : {reason})."),
        payload=SessionCalledOff,
        audited=False,
    )
