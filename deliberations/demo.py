"""Demo data of this app, called by `manage.py seed_demo` after candidates and evaluations.

For each demo campaign: commission results (one sheet in progress at the « commission » stage,
validated ones for the « jury », « admissible » and « non admissible » showcase registrations,
with a disagreement with the company opinion), one jury closed (admissible and non-admissible
candidates, whose acquired capacities then carry over 24 months) and one jury open in
deliberation with one decision recorded. Reuses what evaluations.demo made (approved dossiers,
commission session) and creates it directly when missing. In lifecycle order: results while the
campaign's evaluations are in progress, then `ctx.reach(campaign, "jury")` before the juries
deliberate (only campaigns whose target is the jury or beyond get there). Idempotent: each step
looks first.
"""

from typing import Any

from django.utils import timezone

from candidates.models import Campaign, CentreMembership, Registration
from evaluations.models import (
    CommissionAssignment,
    CommissionSession,
    DossierCapacity,
    EvaluationDossier,
)

from .models import CapacityResult, Decision, JuryCandidate, JurySession, ResultSheet
from .services import (
    capacity_result_record,
    jury_attendance_record,
    jury_candidates_assign,
    jury_decision_record,
    jury_deliberation_start,
    jury_session_close,
    jury_session_create,
    result_sheet_validate,
)

Stage = Registration.Stage
CLOSED_PLACE = "Salle du jury — session close (démonstration)"
OPEN_PLACE = "Salle du jury — délibération en cours (démonstration)"
COMMISSION_PLACE = "Salle des commissions (démonstration)"


# The demo has no report files: its validations say so, as a commission would.
DEMO_NO_REPORT = "Jeu de démonstration : rapport remis sur papier."


def seed(*, ctx) -> None:
    for campaign in ctx.campaigns:
        code = campaign.centre.code
        people = {
            role: ctx.accounts.get(role, {}).get(code)
            for role in ("staff", "evaluator", "jury_president", "jury_member")
        }
        if not all(people.values()):
            ctx.say(f"Démo jurys : comptes manquants pour {code}, rien n'est créé.")
            continue
        by_stage: dict[str, list[Registration]] = {}
        for registration in ctx.registrations.get(campaign.pk, []):
            by_stage.setdefault(registration.stage, []).append(registration)
        _seed_campaign(ctx, campaign, by_stage, people)
        ctx.say(f"Démo jurys : campagne « {campaign.name} » ({code}).")


def _seed_campaign(ctx, campaign, by_stage: dict, people: dict[str, Any]) -> None:
    evaluator = people["evaluator"]
    evaluating = campaign.status == Campaign.Status.IN_PROGRESS
    in_commission = by_stage.get(Stage.COMMISSION, [])[:1]
    for registration in in_commission if evaluating else []:
        _ensure_evaluable(registration, evaluator)
        _results(registration, evaluator, not_acquired=set(), numbers={1, 2}, validate=False)
    admissible = by_stage.get(Stage.ADMISSIBLE, [])
    not_admissible = by_stage.get(Stage.NOT_ADMISSIBLE, [])
    before_jury = by_stage.get(Stage.JURY, [])
    if not (admissible or not_admissible or before_jury):
        return
    plans = [(r, set()) for r in admissible]
    plans += [(r, {1, 3}) for r in not_admissible]
    plans += [(r, {2} if i == len(before_jury) - 1 else set()) for i, r in enumerate(before_jury)]
    for registration, missed in plans if evaluating else []:
        _ensure_evaluable(registration, evaluator)
        _results(registration, evaluator, not_acquired=missed, numbers=None, validate=True)
    # Juries deliberate once the campaign is at the jury (candidates/lifecycle.py).
    reach = getattr(ctx, "reach", None)
    if campaign.status != Campaign.Status.JURY and not (
        reach and reach(campaign, Campaign.Status.JURY)
    ):
        return
    closed = _jury(campaign, CLOSED_PLACE, admissible + not_admissible, people)
    if closed.status != JurySession.Status.CLOSED:
        for registration in admissible:
            _decide(closed, registration, Decision.Outcome.ADMISSIBLE, people["jury_member"])
        for registration in not_admissible:
            _decide(closed, registration, Decision.Outcome.NOT_ADMISSIBLE, people["jury_member"])
        jury_session_close(session=closed, by=people["jury_president"])
    opened = _jury(campaign, OPEN_PLACE, before_jury, people)
    for registration in before_jury[:1]:
        _decide(opened, registration, Decision.Outcome.ADMISSIBLE, people["jury_president"])


def _ensure_evaluable(registration: Registration, evaluator: Any) -> None:
    """An approved dossier and a commission session with the demo evaluator, made if missing."""
    dossier = EvaluationDossier.objects.filter(registration=registration).first()
    if dossier is None:
        dossier = EvaluationDossier.objects.create(
            registration=registration,
            status=EvaluationDossier.Status.APPROVED,
            submitted_at=timezone.now(),
            reviewed_at=timezone.now(),
        )
        for capacity in registration.campaign.referential.capacities.all():
            DossierCapacity.objects.create(
                dossier=dossier, capacity=capacity, methods=capacity.methods[:2]
            )
    if not CommissionAssignment.objects.filter(registration=registration).exists():
        session = CommissionSession.objects.filter(
            campaign=registration.campaign, evaluators=evaluator
        ).first()
        if session is None:
            session = CommissionSession.objects.create(
                campaign=registration.campaign,
                date=registration.campaign.commission_starts,
                place=COMMISSION_PLACE,
            )
            session.evaluators.add(evaluator)
        CommissionAssignment.objects.create(session=session, registration=registration)


def _results(
    registration: Registration,
    evaluator: Any,
    *,
    not_acquired: set[int],
    numbers: set[int] | None,
    validate: bool,
) -> None:
    if (
        EvaluationDossier.objects.filter(
            registration=registration, status=EvaluationDossier.Status.APPROVED
        ).count()
        == 0
    ):
        return
    sheet = ResultSheet.objects.filter(registration=registration).first()
    if sheet is not None and sheet.is_validated:
        return
    done = set(
        CapacityResult.objects.filter(sheet__registration=registration).values_list(
            "capacity_id", flat=True
        )
    )
    methods = {
        row.capacity_id: row.methods
        for row in DossierCapacity.objects.filter(dossier__registration=registration)
    }
    for capacity in registration.campaign.referential.capacities.order_by("number"):
        if capacity.pk in done or (numbers is not None and capacity.number not in numbers):
            continue
        missed = capacity.number in not_acquired
        capacity_result_record(
            registration=registration,
            capacity=capacity,
            outcome=CapacityResult.Outcome.NOT_ACQUIRED
            if missed
            else CapacityResult.Outcome.ACQUIRED,
            justification=(
                "Le projet présenté ne montre pas la capacité en autonomie (démonstration)."
                if missed
                else ""
            ),
            methods=methods.get(capacity.pk, [])[:1],
            by=evaluator,
        )
    if validate:
        result_sheet_validate(registration=registration, by=evaluator, reason=DEMO_NO_REPORT)


def _jury(campaign, place: str, registrations: list[Registration], people: dict) -> JurySession:
    """A jury of the demo president (employer) and member (employee), signed and deliberating."""
    session = JurySession.objects.filter(campaign=campaign, place=place).first()
    if session is None:
        seats = CentreMembership.objects.filter(
            centre=campaign.centre,
            role=CentreMembership.Role.JURY,
            user__in=[people["jury_president"], people["jury_member"]],
        )
        president = seats.get(user=people["jury_president"])
        session = jury_session_create(
            campaign=campaign,
            date=campaign.jury_date,
            place=place,
            president=president,
            members=list(seats),
            by=people["staff"],
        )
    if session.status == JurySession.Status.PLANNED:
        missing = [
            r for r in registrations if not JuryCandidate.objects.filter(registration=r).exists()
        ]
        ready = [
            r
            for r in missing
            if ResultSheet.objects.filter(registration=r, status="validated").exists()
        ]
        if ready:
            jury_candidates_assign(session=session, registrations=ready, by=people["staff"])
        if not session.candidates.exists():
            return session
        jury_attendance_record(
            session=session,
            present_ids=list(session.members.values_list("pk", flat=True)),
            by=people["staff"],
        )
        session = jury_deliberation_start(session=session, by=people["jury_president"])
    return session


def _decide(session: JurySession, registration: Registration, outcome: str, by: Any) -> None:
    if session.status != JurySession.Status.DELIBERATING:
        return
    if not JuryCandidate.objects.filter(session=session, registration=registration).exists():
        return
    if Decision.objects.filter(registration=registration, is_active=True).exists():
        return
    jury_decision_record(
        session=session,
        registration=registration,
        outcome=outcome,
        expected_decision_id=None,
        by=by,
    )
