"""The commission's results, capacity by capacity (DESIGN.md §5.4).

Recorded freely while the sheet is a draft; once validated, a result changes only through a
reasoned correction, audited with its before and after.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Registration
from candidates.services import registration_set_stage
from cqpm.core.audit import audit_log
from cqpm.core.errors import ConcurrentUpdate, DomainError, InvalidTransition, full_clean_or_raise
from cqpm.core.models import AuditEntry
from cqpm.core.registry import emit
from cqpm.core.workflow import transition
from evaluations.models import CompanyOpinion, EvaluationDossier, OpinionCapacity, Rating
from referentials.models import Capacity, EvaluationMethod

from ..events import RESULTS_VALIDATED, ResultsValidated
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


class Snapshot(TypedDict):
    """A capacity's result as its audit entries keep it (before and after a write)."""

    outcome: str
    justification: str
    methods: list[str]
    disagrees_with_opinion: bool


def _snapshot(result: CapacityResult | None) -> Snapshot | None:
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


@dataclass(frozen=True)
class ResultRow:
    """One capacity as the commission typed it; a row left wholly blank records nothing."""

    capacity_id: int
    outcome: str = ""
    justification: str = ""
    methods: Sequence[str] = ()

    @property
    def is_blank(self) -> bool:
        return not self.outcome and not (self.justification or "").strip() and not self.methods


class ResultRowsInvalid(DomainError):
    """Rows of the results form are refused; nothing was saved. `errors`: message by capacity id."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            ngettext(
                "Rien n'a été enregistré : une capacité est à corriger.",
                "Rien n'a été enregistré : %(n)s capacités sont à corriger.",
                len(errors),
            )
            % {"n": len(errors)},
            code="rows_invalid",
        )
        self.errors = errors


@dataclass(frozen=True)
class ResultChange:
    """What someone else changed on one capacity since a form was read."""

    capacity_number: int
    who: str
    at: datetime.datetime
    before: Snapshot | None
    after: Snapshot | None

    def describe(self) -> str:
        return _("capacité %(n)s : %(before)s → %(after)s (%(who)s, le %(when)s)") % {
            "n": self.capacity_number,
            "before": _snapshot_text(self.before),
            "after": _snapshot_text(self.after),
            "who": self.who,
            "when": timezone.localtime(self.at).strftime("%d/%m/%Y à %H:%M"),
        }


class ResultsConflict(ConcurrentUpdate):
    """The sheet moved on since the form was read (`version`); nothing was saved. `changes`
    lists what changed meanwhile, by capacity."""

    def __init__(self, *, changes: list[ResultChange], version: int) -> None:
        lines = " ; ".join(change.describe() for change in changes) or _("aucun détail")
        super().__init__(
            _(
                "Les résultats ont été modifiés par quelqu'un d'autre pendant votre saisie : "
                "%(changes)s. Rien n'a été enregistré et vos saisies sont conservées : "
                "vérifiez-les puis enregistrez à nouveau."
            )
            % {"changes": lines},
            code="conflict",
        )
        self.changes = changes
        self.version = version


def _snapshot_text(snapshot: Snapshot | None) -> str:
    if not snapshot:
        return str(_("pas de résultat"))
    text = str(Outcome(snapshot["outcome"]).label)
    if snapshot.get("justification"):
        text += f" « {snapshot['justification']} »"
    return text


RESULT_ACTIONS = ("cqpm.commission.result.recorded", "cqpm.commission.result.corrected")


def results_changed_since(*, registration_id: int, version: int) -> list[ResultChange]:
    """Per capacity, what was written after `version`: the first before, the last after."""
    entries = (
        AuditEntry.objects.filter(
            registration_id=registration_id, action__in=RESULT_ACTIONS, data__version__gt=version
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    changes: dict[int, ResultChange] = {}
    for entry in entries:
        number = entry.data.get("capacity")
        first = changes.get(number)
        changes[number] = ResultChange(
            capacity_number=number,
            who=str(entry.actor) if entry.actor else str(_("le système")),
            at=entry.at,
            before=first.before if first else entry.data.get("before"),
            after=entry.data.get("after"),
        )
    return [changes[number] for number in sorted(changes)]


def _lock_sheet(registration: Registration) -> ResultSheet:
    """Lock the registration (every results write takes it first) and return its sheet."""
    Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    sheet, _created = ResultSheet.objects.get_or_create(registration=registration)
    return sheet


def _ensure_current(sheet: ResultSheet, expected_version: int | None) -> None:
    if expected_version is not None and sheet.version != expected_version:
        changes = results_changed_since(
            registration_id=sheet.registration_id, version=expected_version
        )
        raise ResultsConflict(changes=changes, version=sheet.version)


def capacity_results_record(
    *,
    registration: Registration,
    rows: Sequence[ResultRow],
    expected_version: int,
    by: User,
) -> ResultSheet:
    """An evaluator records every capacity of a draft sheet at once, all or nothing; raises
    ResultsConflict if the sheet changed since `expected_version`, ResultRowsInvalid with an
    error per refused row, DomainError (campaign not in evaluations, dossier not approved,
    results validated, withdrawn)."""
    ensure_evaluator_of(registration, by)
    campaign_ensure_allows(campaign=registration.campaign, activity=Activity.RESULTS)
    if registration.is_withdrawn:
        raise DomainError(_("Ce candidat est désinscrit : aucun résultat ne peut être enregistré."))
    with transaction.atomic():
        sheet = _lock_sheet(registration)
        allowed = approved_dossier_methods(registration=registration)
        if sheet.is_validated:
            raise InvalidTransition(
                _(
                    "Les résultats sont validés : ils ne se modifient plus que par une "
                    "correction motivée."
                )
            )
        _ensure_current(sheet, expected_version)
        planned = _planned_writes(registration, sheet, rows, allowed)
        if not planned:
            return sheet
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
        ratings = opinion_ratings(registration_id=registration.pk)
        for result, before in planned:
            _write_result(result, before, ratings=ratings, sheet=sheet, by=by)
        if registration.stage in STAGES_BEFORE_COMMISSION:
            registration_set_stage(
                registration=registration, stage=Registration.Stage.COMMISSION, by=by
            )
    return sheet


def _planned_writes(
    registration: Registration,
    sheet: ResultSheet,
    rows: Sequence[ResultRow],
    allowed: dict[int, list[str]],
) -> list[tuple[CapacityResult, Snapshot | None]]:
    """The results to write, each with its snapshot before; ResultRowsInvalid if a row is wrong."""
    capacities = {
        c.pk: c
        for c in Capacity.objects.filter(referential_id=registration.campaign.referential_id)
    }
    existing = {r.capacity_id: r for r in CapacityResult.objects.filter(sheet=sheet)}
    errors: dict[int, str] = {}
    planned = []
    for row in rows:
        result = existing.get(row.capacity_id)
        if row.is_blank and result is None:
            continue
        try:
            if row.capacity_id not in capacities:
                raise DomainError(
                    _("Cette capacité n'appartient pas au référentiel de la campagne.")
                )
            _refuse_carried_over(result)
            justification, methods = _checked_input(
                outcome=row.outcome,
                justification=row.justification,
                methods=list(row.methods),
                allowed=allowed.get(row.capacity_id, []),
            )
        except DomainError as exc:
            errors[row.capacity_id] = exc.message
            continue
        before = _snapshot(result)
        if before is not None and (
            before["outcome"],
            before["justification"],
            before["methods"],
        ) == (
            row.outcome,
            justification,
            methods,
        ):
            continue
        result = result or CapacityResult(sheet=sheet, capacity=capacities[row.capacity_id])
        result.outcome, result.justification, result.methods = row.outcome, justification, methods
        planned.append((result, before))
    if errors:
        raise ResultRowsInvalid(errors)
    return planned


def _write_result(
    result: CapacityResult,
    before: Snapshot | None,
    *,
    ratings: dict[int, str],
    sheet: ResultSheet,
    by: User,
) -> None:
    result.disagrees_with_opinion = opinion_disagrees(
        rating=ratings.get(result.capacity_id, ""), outcome=result.outcome
    )
    result.decided_by = by
    full_clean_or_raise(result)
    result.save()
    registration = sheet.registration
    audit_log(
        action="cqpm.commission.result.recorded",
        obj=result,
        by=by,
        data={
            "capacity": result.capacity.number,
            "before": before,
            "after": _snapshot(result),
            "version": sheet.version,
        },
        registration_id=registration.pk,
        centre_id=registration.campaign.centre_id,
    )


def capacity_result_record(
    *,
    registration: Registration,
    capacity: Capacity,
    outcome: str,
    justification: str,
    methods: list[str],
    by: User,
    expected_version: int | None = None,
) -> CapacityResult:
    """One capacity through the same all-or-nothing service (commands, demo): its error comes
    back as a plain DomainError; without `expected_version`, the sheet as it stands now."""
    if capacity.referential_id != registration.campaign.referential_id:
        raise DomainError(_("Cette capacité n'appartient pas au référentiel de la campagne."))
    if expected_version is None:
        sheet = ResultSheet.objects.filter(registration_id=registration.pk).first()
        expected_version = sheet.version if sheet else 0
    row = ResultRow(
        capacity_id=capacity.pk, outcome=outcome, justification=justification, methods=methods
    )
    try:
        sheet = capacity_results_record(
            registration=registration, rows=[row], expected_version=expected_version, by=by
        )
    except ResultRowsInvalid as exc:
        raise DomainError(exc.errors[capacity.pk]) from exc
    return CapacityResult.objects.get(sheet=sheet, capacity=capacity)


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


def result_sheet_validate(*, registration: Registration, by: User, reason: str = "") -> ResultSheet:
    """The commission validates once every capacity is decided, without the candidate's report
    only with a recorded `reason`; raises DomainError listing the capacities still without a
    result, or when the dossier is not approved, the reason missing or it is already validated."""
    ensure_evaluator_of(registration, by)
    reason = reason.strip()
    campaign_ensure_allows(campaign=registration.campaign, activity=Activity.RESULTS)
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
        if not reason and not registration.reports.exists():
            raise DomainError(
                _("Le rapport du candidat n'est pas remis : indiquez le motif de la validation."),
                code="reason_required",
            )
        _refresh_disagreements(sheet=sheet)
        sheet = transition(
            sheet,
            to=ResultSheet.Status.VALIDATED,
            by=by,
            action="cqpm.commission.results.validated",
            allowed=ResultSheet.TRANSITIONS,
            changes={
                "validated_at": timezone.now(),
                "validated_by": by,
                "version": sheet.version + 1,
            },
            data={"reason": reason} if reason else None,
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
        emit(
            RESULTS_VALIDATED,
            **ResultsValidated(sheet=sheet, registration=registration, by=by),
        )
        return sheet


def capacity_result_correct(
    *,
    result: CapacityResult,
    outcome: str,
    justification: str,
    methods: list[str],
    reason: str,
    by: User,
    expected_version: int | None = None,
) -> CapacityResult:
    """A reasoned correction of a validated result, audited before/after; raises DomainError
    without a reason, before validation, on a carried-over capacity or once the jury decided,
    ResultsConflict if the sheet changed since `expected_version` (the page always passes it)."""
    registration = result.sheet.registration
    ensure_evaluator_of(registration, by)
    campaign_ensure_allows(campaign=registration.campaign, activity=Activity.RESULT_CORRECTION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Le motif de la correction est obligatoire."))
    with transaction.atomic():
        sheet = _lock_sheet(registration)
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
        _ensure_current(sheet, expected_version)
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
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
        audit_log(
            action="cqpm.commission.result.corrected",
            obj=locked,
            by=by,
            data={
                "capacity": locked.capacity.number,
                "reason": reason,
                "before": before,
                "after": _snapshot(locked),
                "version": sheet.version,
            },
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
    return locked
