"""The evaluation page of a registration: evidence side by side and the commission's results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqpm.core.actions import run_action
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404
from evaluations.models import DossierCapacity
from referentials.models import Capacity, EvaluationMethod

from ..forms import CapacityResultForm, ResultCorrectionForm
from ..models import CapacityResult
from ..selectors import (
    evaluation_registration_list_for,
    evaluation_sheet_for,
    is_evaluator_of,
    with_evaluation_relations,
)
from ..services import capacity_result_correct, capacity_result_record, result_sheet_validate
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


def _render(request, registration, *, bound: tuple[int, CapacityResultForm] | None = None):
    data = evaluation_sheet_for(registration=registration)
    can_record = is_evaluator_of(registration=registration, user=request.user)
    editable = can_record and data.dossier_approved and not data.is_validated
    for row in data.rows:
        carried = row.result is not None and row.result.source == CapacityResult.Source.CARRIED_OVER
        if not editable or carried:
            continue
        if bound and bound[0] == row.capacity.pk:
            row.form = bound[1]
        else:
            row.form = CapacityResultForm(
                prefix=_prefix(row.capacity.pk),
                initial=_initial(row.result),
                method_choices=row.dossier_methods,
            )
    if bound and not any(row.form is bound[1] for row in data.rows):
        # The form is not shown (reader, validated sheet): its errors go to the messages.
        for error in bound[1].non_field_errors():
            messages.error(request, error)
    context = {"data": data, "registration": registration, "can_record": can_record}
    return render(request, "deliberations/evaluation.html", context)


@login_required
def registration_evaluation(request, pk: int):
    return _render(request, _registration(request, pk))


def _method_choices(registration, capacity) -> list[tuple[str, str]]:
    labels = dict(EvaluationMethod.choices)
    row = DossierCapacity.objects.filter(
        dossier__registration=registration, capacity=capacity
    ).first()
    return [(m, str(labels.get(m, m))) for m in (row.methods if row else [])]


@login_required
@require_POST
def result_record(request, pk: int, capacity_pk: int):
    registration = _registration(request, pk)
    capacity = get_scoped_or_404(
        Capacity.objects.filter(referential_id=registration.campaign.referential_id),
        pk=capacity_pk,
    )
    form = CapacityResultForm(
        request.POST,
        prefix=_prefix(capacity.pk),
        method_choices=_method_choices(registration, capacity),
    )
    if form.is_valid():
        try:
            capacity_result_record(
                registration=registration, capacity=capacity, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Résultat de la capacité %(n)s enregistré.") % {"n": capacity.number}
            )
            url = reverse("deliberations:evaluation", args=[registration.pk])
            return redirect(f"{url}#capacite-{capacity.number}")
    return _render(request, registration, bound=(capacity.pk, form))


@login_required
@require_POST
def results_validate(request, pk: int):
    registration = _registration(request, pk)
    run_action(
        request,
        lambda: result_sheet_validate(registration=registration, by=request.user),
        success=_("Les résultats de la commission sont validés."),
    )
    return redirect("deliberations:evaluation", pk=registration.pk)


@login_required
def result_correct(request, pk: int, result_pk: int):
    registration = _registration(request, pk)
    require(is_evaluator_of(registration=registration, user=request.user))
    result = get_scoped_or_404(
        CapacityResult.objects.filter(sheet__registration=registration).select_related("capacity"),
        pk=result_pk,
    )
    form = ResultCorrectionForm(
        request.POST or None,
        initial=_initial(result),
        method_choices=_method_choices(registration, result.capacity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            capacity_result_correct(result=result, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("La correction est enregistrée et tracée dans l'historique.")
            )
            return redirect("deliberations:evaluation", pk=registration.pk)
    context = {"registration": registration, "result": result, "form": form}
    return render(request, "deliberations/result_correct.html", context)
