"""The events the deliberations app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event
from cqpm.core.sessions import SessionCalledOff

if TYPE_CHECKING:
    from accounts.models import User
    from candidates.models import Registration

    from .models import Decision, JurySession, ResultSheet

# Emitted inside the transaction of an amendment, after the new decision is saved: reactions
# revoke what the old one founded.
DECISION_AMENDED = "cqpm.jury.decision.amended"
# Emitted inside the transaction that records a decision during deliberation.
DECISION_RECORDED = "cqpm.jury.decision.recorded"
# Emitted inside the transaction that validates a candidate's results (the commission's word).
RESULTS_VALIDATED = "cqpm.commission.results.validated"
# Emitted inside the transaction that closes a jury session (decisions locked).
JURY_SESSION_CLOSED = "cqpm.jury.session.closed"
# Emitted inside the transaction that moves a planned jury session (date, time or place changed,
# each audited on its own): later apps convoke its candidates again.
JURY_SESSION_DATED = "cqpm.jury.session.dated"
# Emitted inside the transaction that cancels a planned jury session (the cancellation and each
# candidate taken off it are audited on their own): later apps tell those they had convoked.
JURY_SESSION_CALLED_OFF = "cqpm.jury.session.called_off"


class DecisionAmended(TypedDict):
    old: Decision
    new: Decision
    by: User | None


class DecisionRecorded(TypedDict):
    decision: Decision
    by: User | None


class ResultsValidated(TypedDict):
    sheet: ResultSheet
    registration: Registration
    by: User | None


class JurySessionClosed(TypedDict):
    session: JurySession
    decisions: list[Decision]
    by: User | None


class JurySessionDated(TypedDict):
    session: JurySession
    by: User | None


def declare() -> None:
    declare_event(
        RESULTS_VALIDATED,
        _("Résultats validés par la commission"),
        _("{actor} a validé les résultats de la commission d'évaluation."),
        payload=ResultsValidated,
        webhook="results.recorded",
    )
    declare_event(
        DECISION_RECORDED,
        _("Décision du jury enregistrée"),
        _("{actor} a enregistré la décision du jury : {after}."),
        payload=DecisionRecorded,
        webhook="decision.recorded",
    )
    declare_event(
        DECISION_AMENDED,
        _("Décision du jury rectifiée"),
        _("{actor} a rectifié la décision du jury : {before} → {after} (motif : {reason})."),
        payload=DecisionAmended,
        webhook="decision.amended",
    )
    declare_event(
        JURY_SESSION_CLOSED,
        _("Jury clôturé"),
        _("{actor} a clôturé la session du jury {object} ; ses décisions sont verrouillées."),
        payload=JurySessionClosed,
    )
    declare_event(
        JURY_SESSION_DATED,
        _("Jury daté"),
        _("Le jury {object} a une nouvelle date, heure ou lieu."),
        payload=JurySessionDated,
        audited=False,
    )
    declare_event(
        JURY_SESSION_CALLED_OFF,
        _("Jury annulé (convocations)"),
        _("Le jury {object} est annulé (motif : {reason})."),
        payload=SessionCalledOff,
        audited=False,
    )
