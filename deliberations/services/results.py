"""The commission's results, capacity by capacity (DESIGN.md §5.4).

Recorded freely while the sheet is a draft; once validated, a result changes only through a
reasoned correction, audited with its before and after.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Registration
from candidates.services import registration_set_stage
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, InvalidTransition, full_clean_or_raise
from cqpm.core.workflow import transition
from evaluations.models import CompanyOpinion, EvaluationDossier, OpinionCapacity, Rating
from referentials.models import Capacity, EvaluationMethod

from ..models import CapacityResult, Decision, ResultSheet
from ._common import ensure_evaluator_of

Outcome = CapacityResult.Outcome
STAGES_BEFORE_COMMISSION = frozenset(
    {Registration.Stage.REGISTERED, Registration.Stage.DOSSIER, Registration.Stage.EVIDENCE}
)


def opinion_disagrees(*, rating: str, outcome: str) -> bool:
    """The disagreement rule flagged to the jury.

    Acquired while the company says « non maîtrisée » or « en cours d'acquisition », or not
    acquired while it says « maîtrisée ». « Non observée », no rating or no submitted opinion
    never disagree.
    """
    if outcome == Outcome.ACQUIRED:
        return rating in (Rating.NOT_MASTERED, Rating.IN_PROGRESS)
    if outcome == Outcome.NOT_ACQUIRED:
        return rating == Rating.MASTERED
    return False


def opinion_ratings(*, registration_id: int) -> dict[int, str]:
    """Ratings by capacity id of the registration's submitted company opinion (empty if none)."""
    return dict(
        OpinionCapacity.objects.filter(
            opinion__registration_id=registration_id,
            opinion__status=CompanyOpinion.Status.SUBMITTED,
        ).values_list("capacity_id", "rating")
    )


def approved_dossier_methods(*, registration: Registration) -> dict[int, list[str]]:
    """Methods by capacity id of the approved dossier; raises DomainError when not approved."""
    dossier = EvaluationDossier.objects.filter(registration_id=registration.pk).first()
    if dossier is None or dossier.status != EvaluationDossier.Status.APPROVED:
        raise DomainError(
            _(
                "Le dossier d'évaluation de ce candidat n'est pas approuvé par le centre de "
                "ressource : aucun résultat ne peut être enregistré."
            ),
            code="dossier_not_approved",
        )
    return {row.capacity_id: list(row.methods) for row in dossier.capacities.all()}


def _checked_input(
    *, outcome: str, justification: str, methods: list[str], allowed: list[str]
) -> tuple[str, list[str]]:
    if outcome not in Outcome.values:
        raise DomainError(_("Indiquez si la capacité est acquise ou non acquise."))
    justification = (justification or "").strip()
    if outcome == Outcome.NOT_ACQUIRED and not justification:
        raise DomainError(
            _("La justification est obligatoire lorsque la capacité n'est pas acquise.")
        )
    methods = list(dict.fromkeys(methods or []))
    if not methods:
        raise DomainError(
            _("Indiquez au moins une modalité d'évaluation sur laquelle repose le résultat.")
        )
    outside = [m for m in methods if m not in allowed]
    if outside:
        labels = dict(EvaluationMethod.choices)
        raise DomainError(
            _("Modalité absente du dossier d'évaluation approuvé : %(methods)s.")
            % {"methods": ", ".join(str(labels.get(m, m)) for m in outside)}
        )
    return justification, methods


def _snapshot(result: CapacityResult | None) -> dict[str, Any] | None:
    if result is None or result.pk is None:
        return None
    return {
        "outcome": result.outcome,
        "justification": result.justification,
        "methods": list(result.methods),
        "disagrees_with_opinion": result.disagrees_with_opinion,
    }


def _refuse_carried_over(result: CapacityResult | None) -> None:
    if result is not None and result.source == CapacityResult.Source.CARRIED_OVER:
        raise DomainError(
            _(
                "Cette capacité a été acquise lors d'une session antérieure (valable jusqu'au "
                "%(date)s) : elle n'est pas réévaluée."
            )
            % {"date": result.valid_until.strftime("%d/%m/%Y") if result.valid_until else "—"}
        )


def capacity_result_record(
    *,
    registration: Registration,
    capacity: Capacity,
    outcome: str,
    justification: str,
    methods: list[str],
    by: Any,
) -> CapacityResult:
    """An evaluator records one capacity of a draft sheet; raises DomainError if the dossier is not
    approved, the results are validated, the capacity was carried over or the input is invalid."""
    ensure_evaluator_of(registration, by)
    if registration.is_withdrawn:
        raise DomainError(_("Ce candidat est désinscrit : aucun résultat ne peut être enregistré."))
    if capacity.referential_id != registration.campaign.referential_id:
        raise DomainError(_("Cette capacité n'appartient pas au référentiel de la campagne."))
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        allowed = approved_dossier_methods(registration=registration).get(capacity.pk, [])
        sheet, _created = ResultSheet.objects.get_or_create(registration=registration)
        if sheet.is_validated:
            raise InvalidTransition(
                _(
                    "Les résultats sont validés : ils ne se modifient plus que par une "
                    "correction motivée."
                )
            )
        justification, methods = _checked_input(
            outcome=outcome, justification=justification, methods=methods, allowed=allowed
        )
        result = CapacityResult.objects.filter(sheet=sheet, capacity=capacity).first()
        _refuse_carried_over(result)
        before = _snapshot(result)
        result = result or CapacityResult(sheet=sheet, capacity=capacity)
        rating = opinion_ratings(registration_id=registration.pk).get(capacity.pk, "")
        result.outcome, result.justification, result.methods = outcome, justification, methods
        result.disagrees_with_opinion = opinion_disagrees(rating=rating, outcome=outcome)
        result.decided_by = by
        full_clean_or_raise(result)
        result.save()
        audit_log(
            action="cqpm.commission.result.recorded",
            obj=result,
            by=by,
            data={"capacity": capacity.number, "before": before, "after": _snapshot(result)},
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
        if registration.stage in STAGES_BEFORE_COMMISSION:
            registration_set_stage(
                registration=registration, stage=Registration.Stage.COMMISSION, by=by
            )
    return result


def missing_capacities(*, registration: Registration) -> list[Capacity]:
    """Capacities of the campaign's referential that have no result yet, in order."""
    decided = CapacityResult.objects.filter(sheet__registration_id=registration.pk).values(
        "capacity_id"
    )
    return list(
        Capacity.objects.filter(referential_id=registration.campaign.referential_id)
        .exclude(pk__in=decided)
        .order_by("number")
    )


def _refresh_disagreements(*, sheet: ResultSheet) -> None:
    # The opinion may have been submitted after some results: the flag the jury sees is the
    # one computed against the opinion as it stands at validation.
    ratings = opinion_ratings(registration_id=sheet.registration_id)
    for result in sheet.results.filter(source=CapacityResult.Source.COMMISSION):
        flag = opinion_disagrees(rating=ratings.get(result.capacity_id, ""), outcome=result.outcome)
        if flag != result.disagrees_with_opinion:
            result.disagrees_with_opinion = flag
            result.save(update_fields=["disagrees_with_opinion", "updated_at"])


def result_sheet_validate(*, registration: Registration, by: Any) -> ResultSheet:
    """The commission validates once every capacity is decided; raises DomainError listing the
    capacities still without a result, or when the dossier is not approved or already validated."""
    ensure_evaluator_of(registration, by)
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        approved_dossier_methods(registration=registration)
        sheet, _created = ResultSheet.objects.get_or_create(registration=registration)
        if sheet.is_validated:
            raise InvalidTransition(_("Les résultats de ce candidat sont déjà validés."))
        missing = missing_capacities(registration=registration)
        if missing:
            raise DomainError(
                _(
                    "Toutes les capacités doivent être décidées avant la validation. "
                    "Capacités sans résultat : %(list)s."
                )
                % {"list": " ; ".join(str(c) for c in missing)},
                code="capacities_missing",
            )
        _refresh_disagreements(sheet=sheet)
        return transition(
            sheet,
            to=ResultSheet.Status.VALIDATED,
            by=by,
            action="cqpm.commission.results.validated",
            allowed=ResultSheet.TRANSITIONS,
            changes={"validated_at": timezone.now(), "validated_by": by},
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )


def capacity_result_correct(
    *,
    result: CapacityResult,
    outcome: str,
    justification: str,
    methods: list[str],
    reason: str,
    by: Any,
) -> CapacityResult:
    """A reasoned correction of a validated result, audited before/after; raises DomainError
    without a reason, before validation, on a carried-over capacity or once the jury decided."""
    registration = result.sheet.registration
    ensure_evaluator_of(registration, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Le motif de la correction est obligatoire."))
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        locked = CapacityResult.objects.select_related("sheet", "capacity").get(pk=result.pk)
        if not locked.sheet.is_validated:
            raise DomainError(
                _("Les résultats ne sont pas encore validés : modifiez directement la capacité.")
            )
        _refuse_carried_over(locked)
        if Decision.objects.filter(registration_id=registration.pk, is_active=True).exists():
            raise DomainError(
                _(
                    "Le jury a déjà enregistré une décision pour ce candidat : les résultats "
                    "de la commission ne se corrigent plus."
                )
            )
        allowed = approved_dossier_methods(registration=registration).get(locked.capacity_id, [])
        justification, methods = _checked_input(
            outcome=outcome, justification=justification, methods=methods, allowed=allowed
        )
        before = _snapshot(locked)
        rating = opinion_ratings(registration_id=registration.pk).get(locked.capacity_id, "")
        locked.outcome, locked.justification, locked.methods = outcome, justification, methods
        locked.disagrees_with_opinion = opinion_disagrees(rating=rating, outcome=outcome)
        locked.decided_by = by
        full_clean_or_raise(locked)
        locked.save()
        audit_log(
            action="cqpm.commission.result.corrected",
            obj=locked,
            by=by,
            data={
                "capacity": locked.capacity.number,
                "reason": reason,
                "before": before,
                "after": _snapshot(locked),
            },
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
    return locked
