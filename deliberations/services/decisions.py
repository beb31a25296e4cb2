"""Jury decisions: recorded during deliberation, locked at closing, amended by the president.

DESIGN.md §5.5. Admissible if and only if every capacity is acquired; a decision is never
overwritten (a change supersedes it, both stay); two members recording at once never lose a
decision silently: the second gets ConcurrentUpdate.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Registration
from candidates.services import registration_set_stage
from cqpm.core.errors import ConcurrentUpdate, DomainError, full_clean_or_raise
from cqpm.core.registry import emit
from cqpm.core.workflow import transition

from ..events import (
    DECISION_AMENDED,
    DECISION_RECORDED,
    JURY_SESSION_CLOSED,
    DecisionAmended,
    DecisionRecorded,
    JurySessionClosed,
)
from ..models import CapacityResult, Decision, JuryCandidate, JurySession, ResultSheet
from ..rules import proposed_outcome
from ._jury import audit_jury, ensure_president, ensure_status, lock_session, seat_of
from .carry_over import acquired_validity_set, block_validity_set
from .composition import jury_decision_composition_check, jury_recusal_refusal

Status = JurySession.Status
Outcome = Decision.Outcome
DELIBERATION_CHANGE_REASON = "Modifiée en délibération"
DEFERRED = Decision.DEFERRED


def capacity_tally(*, registration: Registration) -> tuple[int, int]:
    """(acquired, total) capacities of the registration against its campaign's referential."""
    total = registration.campaign.referential.capacities.count()
    acquired = CapacityResult.objects.filter(
        sheet__registration_id=registration.pk,
        capacity__referential_id=registration.campaign.referential_id,
        outcome=CapacityResult.Outcome.ACQUIRED,
    ).count()
    return acquired, total


def _check_outcome(registration: Registration, outcome: str, jury_reason: str) -> str:
    """Refuse what cannot be decided; return the proposed outcome to store with the decision."""
    if outcome not in Outcome.values:
        raise DomainError(_("Décision inconnue."))
    if registration.is_withdrawn:
        raise DomainError(
            _("%(name)s est désinscrit : aucune décision ne peut être enregistrée.")
            % {"name": registration.candidate}
        )
    validated = ResultSheet.objects.filter(
        registration_id=registration.pk, status=ResultSheet.Status.VALIDATED
    ).exists()
    if not validated:
        raise DomainError(
            _(
                "Les résultats de la commission ne sont pas validés pour %(name)s : aucune "
                "décision ne peut être enregistrée."
            )
            % {"name": registration.candidate},
            code="results_not_validated",
        )
    acquired, total = capacity_tally(registration=registration)
    proposed = proposed_outcome(acquired=acquired, total=total)
    if departs(outcome, proposed) and not jury_reason:
        raise DomainError(_departure_refusal(outcome, acquired, total), code="reason_required")
    return proposed


def _departure_refusal(outcome: str, acquired: int, total: int) -> str:
    if outcome == Outcome.ADMISSIBLE:
        return _(
            "« Admissible » est refusé : seules %(acquired)s capacités sur %(total)s sont "
            "acquises. Un candidat n'est admissible que si toutes ses capacités sont acquises, "
            "sauf décision motivée du jury : écrivez le motif de la décision."
        ) % {"acquired": acquired, "total": total}
    return _(
        "« Non admissible » est refusé : les %(total)s capacités sont toutes acquises. Le jury "
        "ne peut déclarer ce candidat non admissible qu'en écrivant le motif de sa décision, "
        "qui figurera au procès-verbal et sur la notification du candidat."
    ) % {"total": total}


def _describe(decision: Decision) -> str:
    when = timezone.localtime(decision.created_at).strftime("%d/%m/%Y à %H:%M")
    return _("« %(outcome)s » par %(who)s le %(when)s") % {
        "outcome": decision.get_outcome_display(),
        "who": decision.recorded_by,
        "when": when,
    }


def jury_decision_record(
    *,
    session: JurySession,
    registration: Registration,
    outcome: str,
    expected_decision_id: int | None,
    by: User,
    jury_reason: str = "",
) -> Decision:
    """A present member records (or changes, superseding) a decision during deliberation; raises
    ConcurrentUpdate if the current decision is not the one the member saw, DomainError otherwise
    (not deliberating, results not validated, a decision against the capacities without the
    jury's written reason)."""
    seat = seat_of(session, by)
    if seat is None:
        raise DomainError(_("Vous ne siégez pas dans ce jury."), code="forbidden")
    campaign_ensure_allows(campaign=session.campaign, activity=Activity.DELIBERATION)
    if not seat.present:
        raise DomainError(_("Vous devez avoir émargé la feuille de présence pour délibérer."))
    jury_reason = (jury_reason or "").strip()
    with transaction.atomic():
        session, registration, current = _lock_for_deliberation(session, registration)
        jury_decision_composition_check(
            session=session, registration=registration, seat=seat, by=by
        )
        if (current.pk if current else None) != expected_decision_id:
            raise ConcurrentUpdate(_conflict_message(current, expected_decision_id))
        proposed = _check_outcome(registration, outcome, jury_reason)
        jury_reason = _kept(outcome, jury_reason, proposed)
        in_session = current is not None and current.session_id == session.pk
        if (
            current is not None
            and in_session
            and (current.outcome, current.jury_reason) == (outcome, jury_reason)
        ):
            return current
        if current is not None and not in_session and current.outcome not in DEFERRED:
            raise DomainError(
                _("Ce candidat a déjà une décision d'un autre jury : %(decision)s.")
                % {"decision": _describe(current)}
            )
        decision = _supersede(
            session=session,
            registration=registration,
            current=current,
            outcome=outcome,
            reason=DELIBERATION_CHANGE_REASON if in_session else "",
            proposed=proposed,
            jury_reason=jury_reason,
            by=by,
        )
        audit_jury(
            "cqpm.jury.decision.recorded",
            decision,
            by,
            session,
            {
                "before": current.outcome if current else None,
                "after": outcome,
                "proposed": proposed,
                "jury_reason": decision.jury_reason,
                "superseded": current.pk if current else None,
            },
            reg_id=registration.pk,
        )
        emit(DECISION_RECORDED, **DecisionRecorded(decision=decision, by=by))
    return decision


def _lock_for_deliberation(
    session: JurySession, registration: Registration
) -> tuple[JurySession, Registration, Decision | None]:
    """Lock the session, then the registration (the same order everywhere, so two members never
    deadlock); refuse outside deliberation or for a candidate not before this jury; return them
    with the registration's decision in force, whichever session took it."""
    session = lock_session(session)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("candidate", "campaign__referential")
        .get(pk=registration.pk)
    )
    ensure_status(
        session,
        Status.DELIBERATING,
        message=_("La délibération n'est pas ouverte : aucune décision ne peut être enregistrée.")
        if session.status == Status.PLANNED
        else _("La session est close : seule une rectification par le président est possible."),
    )
    if not JuryCandidate.objects.filter(session=session, registration=registration).exists():
        raise DomainError(_("Ce candidat n'est pas présenté à ce jury."))
    current = (
        Decision.objects.filter(registration=registration, is_active=True)
        .select_related("recorded_by", "session")
        .first()
    )
    return session, registration, current


def departs(outcome: str, proposed: str) -> bool:
    """Admissible or not admissible against what the capacities imply."""
    return outcome in (Outcome.ADMISSIBLE, Outcome.NOT_ADMISSIBLE) and outcome != proposed


def _kept(outcome: str, jury_reason: str, proposed: str) -> str:
    """The jury's reason is stored only where it explains a departure from the proposal."""
    return jury_reason if departs(outcome, proposed) else ""


def _conflict_message(current: Decision | None, expected_id: int | None) -> str:
    seen = Decision.objects.filter(pk=expected_id).first() if expected_id else None
    before = seen.get_outcome_display() if seen else _("aucune décision")
    if current is None:
        return _(
            "Un autre membre du jury a modifié la décision entre-temps : elle a été retirée "
            "(avant : %(before)s). Rien n'a été enregistré : rechargez la page avant de décider."
        ) % {"before": before}
    return _(
        "Un autre membre du jury a enregistré une décision entre-temps : %(decision)s "
        "(%(before)s → %(after)s). Rien n'a été écrasé : vérifiez-la puis modifiez-la si besoin."
    ) % {"decision": _describe(current), "before": before, "after": current.get_outcome_display()}


def _supersede(
    *,
    session: JurySession,
    registration: Registration,
    current: Decision | None,
    outcome: str,
    reason: str,
    proposed: str,
    jury_reason: str,
    by: User,
) -> Decision:
    if current is not None:
        # One active decision per registration (DB constraint): retire the old one first.
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
    decision = Decision(
        session=session,
        registration=registration,
        outcome=outcome,
        # A decision of a later session follows an absence without amending it: both stay, each
        # in its own session's minutes.
        supersedes=current if current is not None and current.session_id == session.pk else None,
        reason=reason,
        proposed=proposed,
        jury_reason=jury_reason,
        recorded_by=by,
    )
    full_clean_or_raise(decision, exclude=["session", "registration", "recorded_by", "supersedes"])
    decision.save()
    return decision


def _ensure_not_recused(session: JurySession, registration: Registration, by: User) -> None:
    """The president never amends the decision on a candidate of their own company."""
    refusal = jury_recusal_refusal(session=session, registration=registration, user=by)
    if refusal is not None:
        raise refusal


def _stage_for(outcome: str) -> str:
    if outcome == Outcome.ADMISSIBLE:
        return Registration.Stage.ADMISSIBLE
    return Registration.Stage.NOT_ADMISSIBLE


# --- Closing and amendments -------------------------------------------------------------------


def jury_session_close(
    *, session: JurySession, by: User, today: datetime.date | None = None
) -> JurySession:
    """The president closes deliberation once every candidate has a decision, not before the
    session's date (`today`, Europe/Paris, defaults to now): decisions are locked, stages set,
    non-admissible candidates' acquired capacities valid 24 months; raises DomainError (not
    president, not deliberating, candidates without decision, before the session's date)."""
    ensure_president(session, by)
    campaign_ensure_allows(campaign=session.campaign, activity=Activity.DELIBERATION)
    with transaction.atomic():
        session = lock_session(session)
        ensure_status(
            session,
            Status.DELIBERATING,
            message=_("Seule une session en délibération peut être close."),
        )
        decided_here = Decision.objects.filter(
            session=session, registration_id=OuterRef("registration_id"), is_active=True
        )
        undecided = list(
            session.candidates.exclude(Exists(decided_here))
            # A candidate withdrawn meanwhile needs no decision.
            .exclude(registration__stage=Registration.Stage.WITHDRAWN)
            .select_related("registration__candidate")
            .order_by("registration__candidate__last_name")
        )
        if undecided:
            names = [str(c.registration.candidate) for c in undecided[:5]]
            more = len(undecided) - len(names)
            raise DomainError(
                _(
                    "Chaque candidat doit avoir une décision avant la clôture. "
                    "Sans décision : %(names)s."
                )
                % {
                    "names": ", ".join(names)
                    + (_(" et %(n)s autres") % {"n": more} if more else "")
                },
                code="undecided",
            )
        if (today or timezone.localdate()) < session.date:
            # The minutes bear the meeting day: a session is never closed before it sits.
            raise DomainError(
                _(
                    "Le jury siège le %(date)s : sa délibération ne peut pas être close avant "
                    "cette date."
                )
                % {"date": session.date.strftime("%d/%m/%Y")},
                code="before_session_date",
            )
        session = transition(
            session,
            to=Status.CLOSED,
            by=by,
            action="cqpm.jury.session.closed",
            allowed=JurySession.TRANSITIONS,
            changes={"closed_at": timezone.now(), "closed_by": by},
            centre_id=session.campaign.centre_id,
        )
        decisions = list(
            Decision.objects.filter(session=session, is_active=True).select_related(
                "registration__campaign"
            )
        )
        for outcome in Outcome.values:
            ids = [d.registration_id for d in decisions if d.outcome == outcome]
            if ids:
                acquired_validity_set(registration_ids=ids, outcome=outcome, jury_date=session.date)
                block_validity_set(registration_ids=ids, outcome=outcome, jury_date=session.date)
        for decision in decisions:
            if decision.registration.is_withdrawn:
                continue
            registration_set_stage(
                registration=decision.registration, stage=_stage_for(decision.outcome), by=by
            )
        emit(
            JURY_SESSION_CLOSED,
            **JurySessionClosed(session=session, decisions=decisions, by=by),
        )
    return session


def jury_decision_amend(
    *, decision: Decision, outcome: str, reason: str, by: User, jury_reason: str = ""
) -> Decision:
    """The president amends a decision of a closed session with a reason: a new decision
    supersedes it, both stay; raises DomainError (not president, not closed, no reason, same
    outcome, a decision against the capacities without the jury's reason, a candidate already
    before a later jury) or ConcurrentUpdate if already amended."""
    session = decision.session
    ensure_president(session, by)
    campaign_ensure_allows(campaign=session.campaign, activity=Activity.AMENDMENT)
    reason = (reason or "").strip()
    jury_reason = (jury_reason or "").strip()
    if not reason:
        raise DomainError(_("Le motif de la rectification est obligatoire."))
    with transaction.atomic():
        session = lock_session(session)
        ensure_status(
            session,
            Status.CLOSED,
            message=_(
                "Une rectification n'est possible qu'après la clôture ; pendant la délibération, "
                "enregistrez simplement une nouvelle décision."
            ),
        )
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("candidate", "campaign__referential")
            .get(pk=decision.registration_id)
        )
        _ensure_not_recused(session, registration, by)
        old = Decision.objects.select_related("recorded_by").get(pk=decision.pk)
        if not old.is_active:
            current = Decision.objects.filter(registration=registration, is_active=True).first()
            raise ConcurrentUpdate(
                _("Cette décision a déjà été rectifiée entre-temps : %(decision)s.")
                % {"decision": _describe(current) if current else "—"}
            )
        later = (
            JuryCandidate.objects.filter(registration=registration, previous_seat__session=session)
            .select_related("session")
            .first()
        )
        if later is not None:
            raise DomainError(
                _(
                    "%(name)s est présenté au %(session)s : la décision de ce jury-ci ne se "
                    "rectifie plus."
                )
                % {"name": registration.candidate, "session": later.session}
            )
        proposed = _check_outcome(registration, outcome, jury_reason)
        jury_reason = _kept(outcome, jury_reason, proposed)
        if (old.outcome, old.jury_reason) == (outcome, jury_reason):
            raise DomainError(_("La rectification doit changer la décision ou son motif."))
        new = _supersede(
            session=session,
            registration=registration,
            current=old,
            outcome=outcome,
            reason=reason,
            proposed=proposed,
            jury_reason=jury_reason,
            by=by,
        )
        acquired_validity_set(
            registration_ids=[registration.pk], outcome=outcome, jury_date=session.date
        )
        block_validity_set(
            registration_ids=[registration.pk], outcome=outcome, jury_date=session.date
        )
        registration_set_stage(registration=registration, stage=_stage_for(outcome), by=by)
        audit_jury(
            "cqpm.jury.decision.amended",
            new,
            by,
            session,
            {
                "before": old.outcome,
                "after": outcome,
                "reason": reason,
                "proposed": proposed,
                "jury_reason": jury_reason,
                "superseded": old.pk,
            },
            reg_id=registration.pk,
        )
        # In the same transaction: what the old decision founded is revoked with it, or not at all.
        emit(DECISION_AMENDED, **DecisionAmended(old=old, new=new, by=by))
    return new
