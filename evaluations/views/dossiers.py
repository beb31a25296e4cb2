"""Dossier pages: staff choose methods and submit; the resource centre approves or returns."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.lifecycle import Activity, campaign_allows
from candidates.models import Registration
from cqpm.core.access import holds
from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from ..forms import DossierForm, ReviewForm
from ..models import CompanyOpinion, EvaluationDossier
from ..selectors import (
    dossier_counts_for_campaign,
    dossier_list_for_reviewer,
    dossier_review_queue,
    dossier_review_readiness,
    dossier_rows_for_campaign,
    dossier_submit_readiness,
    dossier_todo_choices,
    session_list_for,
)
from ..services.dossiers import (
    DossierChoicesInvalid,
    dossier_approve,
    dossier_return,
    dossier_save,
    dossier_submit,
)
from ._common import paginate, staff_campaign_or_404, staff_registration_or_404


def _capacities(registration):
    return list(registration.campaign.referential.capacities.all())


def _dossier_of(registration) -> EvaluationDossier | None:
    return (
        EvaluationDossier.objects.filter(registration=registration)
        .prefetch_related("capacities")
        .first()
    )


@login_required
def dossier_edit(request, registration_pk: int):
    registration = staff_registration_or_404(request, registration_pk)
    dossier = _dossier_of(registration)
    rows = {row.capacity_id: row for row in dossier.capacities.all()} if dossier else {}
    capacities = _capacities(registration)
    check_all = request.GET.get("tout") == "1"
    form = DossierForm(request.POST or None, capacities=capacities, rows=rows, check_all=check_all)
    editable = (dossier is None or not dossier.is_frozen) and campaign_allows(
        campaign=registration.campaign, activity=Activity.DOSSIER
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier_save(registration=registration, choices=form.choices(), by=request.user)
        except DossierChoicesInvalid as exc:
            form.add_capacity_errors(exc.errors)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Le dossier d'évaluation est enregistré."))
            return redirect("evaluations:dossier_edit", registration_pk=registration.pk)
    context = {
        "registration": registration,
        "dossier": dossier,
        "form": form,
        "editable": editable,
        "rows": [(c, rows.get(c.pk)) for c in capacities],
    }
    return render(request, "evaluations/dossier_edit.html", context)


@login_required
@require_POST
def dossier_submit_view(request, registration_pk: int):
    registration = staff_registration_or_404(request, registration_pk)
    dossier = _dossier_of(registration)
    if dossier is None:
        raise Http404
    step = confirmation(
        request,
        title=_("Soumettre le dossier au centre de ressource"),
        readiness=dossier_submit_readiness(dossier=dossier),
        confirm_label=_("Confirmer la soumission"),
        cancel_url=reverse("evaluations:dossier_edit", args=[registration.pk]),
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: dossier_submit(dossier=dossier, by=request.user),
        success=_("Le dossier est soumis au centre de ressource."),
    )
    return redirect("evaluations:dossier_edit", registration_pk=registration.pk)


@login_required
def campaign_dossiers(request, pk: int):
    campaign = staff_campaign_or_404(request, pk)
    status = request.GET.get("statut", "")
    search = request.GET.get("q", "").replace("\x00", "")[:200]
    todo_choices = dossier_todo_choices()
    todo = request.GET.get("a_faire", "")
    todo = todo if todo in dict(todo_choices) else ""
    rows = dossier_rows_for_campaign(
        user=request.user, campaign=campaign, status=status, search=search, todo=todo
    )
    counts = dossier_counts_for_campaign(user=request.user, campaign=campaign)
    states = [("none", _("Sans dossier")), *EvaluationDossier.Status.choices]
    filters = (("statut", status), ("q", search), ("a_faire", todo))
    page = paginate(request, rows)
    dossier_labels = dict(EvaluationDossier.Status.choices)
    opinion_labels = dict(CompanyOpinion.Status.choices)
    for row in page:  # the labels once per status, not a lookup per row in the template
        row.dossier_label = dossier_labels.get(row.dossier_state, "")
        row.opinion_label = opinion_labels.get(row.opinion_state, "")
    context = {
        "campaign": campaign,
        "page": page,
        "status": status,
        "q": search,
        "todo": todo,
        "todo_label": dict(todo_choices).get(todo, ""),
        "todo_choices": todo_choices,
        "query": urlencode({k: v for k, v in filters if v}),
        "states": [(code, label, counts.get(code, 0)) for code, label in states],
        "sessions": session_list_for(user=request.user, campaign=campaign),
    }
    return render(request, "evaluations/campaign_dossiers.html", context)


def _filters(search: str, stages: list[str]) -> dict:
    """The list's filters as the pagination links carry them (only those given)."""
    return {name: value for name, value in (("q", search), ("stage", stages)) if value}


@login_required
def review_queue(request):
    if not holds(request.user, "dossier.review"):
        raise Http404
    search = request.GET.get("q", "").replace("\x00", "")[:200]
    stages = [s for s in request.GET.getlist("stage") if s in Registration.Stage.values]
    queue = dossier_review_queue(user=request.user, search=search, stages=stages)
    context = {
        "page": paginate(request, queue),
        "q": search,
        "stages": stages,
        "stage_choices": Registration.Stage.choices,
        "query": urlencode(_filters(search, stages), doseq=True),
    }
    return render(request, "evaluations/review_queue.html", context)


def _reviewable_or_404(request, pk: int) -> EvaluationDossier:
    queryset = dossier_list_for_reviewer(user=request.user).prefetch_related("capacities__capacity")
    return get_scoped_or_404(queryset, pk=pk)


@login_required
def review_detail(request, pk: int):
    dossier = _reviewable_or_404(request, pk)
    return render(
        request,
        "evaluations/review_detail.html",
        {"dossier": dossier, "form": ReviewForm(), "registration": dossier.registration},
    )


@login_required
@require_POST
def review_decide(request, pk: int, decision: str):
    dossier = _reviewable_or_404(request, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    approve = decision == "approve"
    step = confirmation(
        request,
        title=_("Approuver le dossier") if approve else _("Renvoyer le dossier pour correction"),
        readiness=dossier_review_readiness(dossier=dossier, decision=decision, comment=comment),
        confirm_label=_("Confirmer l'approbation") if approve else _("Confirmer le renvoi"),
        cancel_url=reverse("evaluations:review_detail", args=[dossier.pk]),
        danger=not approve,
    )
    if step.response is not None:
        return step.response
    try:
        if decision == "approve":
            dossier_approve(dossier=dossier, comment=comment, by=request.user)
            messages.success(request, _("Le dossier est approuvé : il est désormais figé."))
        else:
            dossier_return(dossier=dossier, comment=comment, by=request.user)
            messages.success(request, _("Le dossier est renvoyé au centre d'examen."))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluations:review_detail", pk=dossier.pk)
    return redirect("evaluations:review_queue")
