"""The evaluation page of a registration: evidence side by side and the commission's results,
every capacity in one form saved whole or not at all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.lifecycle import Activity, campaign_allows
from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404
from evaluations.models import DossierCapacity
from referentials.models import EvaluationMethod

from ..forms import CapacityResultForm, ResultCorrectionForm, SheetVersionForm
from ..models import CapacityResult
from ..selectors import (
    EvaluationSheet,
    evaluation_registration_list_for,
    evaluation_sheet_for,
    is_evaluator_of,
    results_validate_readiness,
    with_evaluation_relations,
)
from ..services import (
    ResultChange,
    ResultRow,
    ResultRowsInvalid,
    ResultsConflict,
    capacity_result_correct,
    capacity_results_record,
    result_sheet_validate,
)
from ._helpers import require


def _registration(request, pk: int):
    queryset = evaluation_registration_list_for(user=request.user)
    return get_scoped_or_404(with_evaluation_relations(queryset), pk=pk)


def _prefix(capacity_id: int) -> str:
    return f"c{capacity_id}"


def _initial(result: CapacityResult | None) -> dict:
    if result is None:
        return {}
    return {
        "outcome": result.outcome,
        "justification": result.justification,
        "methods": result.methods,
    }


def _is_carried(row) -> bool:
    return row.result is not None and row.result.source == CapacityResult.Source.CARRIED_OVER


def _attach_forms(data: EvaluationSheet, posted: QueryDict | None) -> dict[int, CapacityResultForm]:
    """One form per capacity the commission decides (not those carried over), by capacity id."""
    forms = {}
    for row in data.rows:
        if _is_carried(row):
            continue
        row.form = CapacityResultForm(
            posted,
            prefix=_prefix(row.capacity.pk),
            initial=_initial(row.result),
            method_choices=row.dossier_methods,
        )
        forms[row.capacity.pk] = row.form
    return forms


def _render(
    request,
    registration,
    *,
    data: EvaluationSheet | None = None,
    posted: QueryDict | None = None,
    errors: dict[int, str] | None = None,
    version: int | None = None,
):
    data = data or evaluation_sheet_for(registration=registration)
    # Results are recorded only while the campaign's evaluations are in progress (lifecycle).
    can_record = is_evaluator_of(registration=registration, user=request.user) and campaign_allows(
        campaign=registration.campaign, activity=Activity.RESULTS
    )
    editable = can_record and data.dossier_approved and not data.is_validated
    if editable:
        forms = _attach_forms(data, posted)
        for capacity_id, message in (errors or {}).items():
            form = forms.get(capacity_id)
            if form is not None:
                form.is_valid()  # a bound form takes an error once cleaned
                form.add_error(None, message)
    if version is None:
        version = data.sheet.version if data.sheet else 0
    context = {
        "data": data,
        "registration": registration,
        "can_record": can_record,
        "editable": editable,
        "version_form": SheetVersionForm(initial={"version": version}),
    }
    return render(request, "deliberations/evaluation.html", context)


@login_required
def registration_evaluation(request, pk: int):
    return _render(request, _registration(request, pk))


@login_required
@require_POST
def results_record(request, pk: int):
    registration = _registration(request, pk)
    data = evaluation_sheet_for(registration=registration)
    forms = _attach_forms(data, request.POST)
    version_form = SheetVersionForm(request.POST)
    invalid = {cid: form for cid, form in forms.items() if not form.is_valid()}
    if invalid or not version_form.is_valid():
        messages.error(request, _("Rien n'a été enregistré : corrigez les capacités signalées."))
        return _render(request, registration, data=data, posted=request.POST)
    rows = [ResultRow(capacity_id=cid, **form.cleaned_data) for cid, form in forms.items()]
    try:
        capacity_results_record(
            registration=registration,
            rows=rows,
            expected_version=version_form.cleaned_data["version"],
            by=request.user,
        )
    except ResultsConflict as exc:
        messages.error(request, exc.message)
        posted, errors = _merge_conflict(request.POST, data, exc.changes)
        return _render(
            request, registration, data=data, posted=posted, errors=errors, version=exc.version
        )
    except ResultRowsInvalid as exc:
        messages.error(request, exc.message)
        return _render(request, registration, data=data, posted=request.POST, errors=exc.errors)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, registration, data=data, posted=request.POST)
    messages.success(request, _("Les résultats de la commission sont enregistrés."))
    return redirect("deliberations:evaluation", pk=registration.pk)


def _posted_row(posted: QueryDict, prefix: str) -> dict:
    return {
        "outcome": posted.get(f"{prefix}-outcome", ""),
        "justification": posted.get(f"{prefix}-justification", "").strip(),
        "methods": posted.getlist(f"{prefix}-methods"),
    }


def _as_row(snapshot: dict | None) -> dict:
    if not snapshot:
        return {"outcome": "", "justification": "", "methods": []}
    return {
        "outcome": snapshot["outcome"],
        "justification": snapshot["justification"],
        "methods": list(snapshot["methods"]),
    }


def _merge_conflict(
    posted: QueryDict, data: EvaluationSheet, changes: list[ResultChange]
) -> tuple[QueryDict, dict[int, str]]:
    """The form to show after a conflict, and a note next to each capacity changed meanwhile.

    Where the member left a capacity as it was when read, the other person's value is taken
    (saving again then reverts nothing); where both changed it, the member's typing is kept.
    """
    merged = posted.copy()
    notes = {}
    by_number = {row.capacity.number: row.capacity.pk for row in data.rows}
    for change in changes:
        capacity_id = by_number.get(change.capacity_number)
        if capacity_id is None:
            continue
        prefix = _prefix(capacity_id)
        if _posted_row(posted, prefix) == _as_row(change.before):
            theirs = _as_row(change.after)
            merged[f"{prefix}-outcome"] = theirs["outcome"]
            merged[f"{prefix}-justification"] = theirs["justification"]
            merged.setlist(f"{prefix}-methods", theirs["methods"])
            notes[capacity_id] = _(
                "Modifiée entre-temps — %(change)s. Sa nouvelle valeur est reprise ci-dessous."
            ) % {"change": change.describe()}
        else:
            notes[capacity_id] = _(
                "Modifiée entre-temps — %(change)s. Votre saisie est "
                "conservée ci-dessous : enregistrez pour la confirmer."
            ) % {"change": change.describe()}
    return merged, notes


@login_required
@require_POST
def results_validate(request, pk: int):
    registration = _registration(request, pk)
    step = confirmation(
        request,
        title=_("Valider les résultats de la commission"),
        readiness=results_validate_readiness(registration=registration),
        confirm_label=_("Confirmer la validation"),
        cancel_url=reverse("deliberations:evaluation", args=[registration.pk]),
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: result_sheet_validate(
            registration=registration, by=request.user, reason=step.reason
        ),
        success=_("Les résultats de la commission sont validés."),
    )
    return redirect("deliberations:evaluation", pk=registration.pk)


def _method_choices(registration, capacity) -> list[tuple[str, str]]:
    labels = dict(EvaluationMethod.choices)
    row = DossierCapacity.objects.filter(
        dossier__registration=registration, capacity=capacity
    ).first()
    return [(m, str(labels.get(m, m))) for m in (row.methods if row else [])]


@login_required
def result_correct(request, pk: int, result_pk: int):
    registration = _registration(request, pk)
    require(is_evaluator_of(registration=registration, user=request.user))
    result = get_scoped_or_404(
        CapacityResult.objects.filter(sheet__registration=registration).select_related(
            "capacity", "sheet"
        ),
        pk=result_pk,
    )
    form = ResultCorrectionForm(
        request.POST or None,
        initial=_initial(result) | {"version": result.sheet.version},
        method_choices=_method_choices(registration, result.capacity),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            capacity_result_correct(
                result=result, by=request.user, expected_version=fields.pop("version"), **fields
            )
        except ResultsConflict as exc:
            form.add_error(None, exc.message)
            # Seen now: saving again applies the member's correction knowingly.
            form.data = form.data.copy()
            form.data["version"] = str(exc.version)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("La correction est enregistrée et tracée dans l'historique.")
            )
            return redirect("deliberations:evaluation", pk=registration.pk)
    context = {"registration": registration, "result": result, "form": form}
    return render(request, "deliberations/result_correct.html", context)
