"""Company opinion pages: staff name the respondent and reopen; the respondent fills it in."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404
from referentials.models import Criterion

from ..forms import OpinionForm, ReopenForm, RespondentForm
from ..models import CompanyOpinion
from ..selectors import (
    opinion_list_for_respondent,
    opinion_rows_for_respondent,
    opinion_submit_readiness,
    respondent_campaigns,
)
from ..services.opinions import (
    OpinionConflict,
    opinion_assign_respondent,
    opinion_reopen,
    opinion_save,
    opinion_submit,
)
from ._common import paginate, staff_registration_or_404


def _opinion_of(registration) -> CompanyOpinion | None:
    return (
        CompanyOpinion.objects.filter(registration=registration)
        .select_related("respondent")
        .prefetch_related("capacities", "criteria")
        .first()
    )


def _capacities(registration):
    criteria = Criterion.objects.order_by("kind", "position")
    return registration.campaign.referential.capacities.prefetch_related(
        Prefetch("criteria", queryset=criteria)
    )


@login_required
def opinion_staff(request, registration_pk: int):
    registration = staff_registration_or_404(request, registration_pk)
    opinion = _opinion_of(registration)
    initial = {}
    if opinion:
        initial = {"role": opinion.respondent_role, "email": opinion.respondent.email}
    elif registration.tutor_id:
        initial = {"role": CompanyOpinion.RespondentRole.TUTOR, "email": registration.tutor.email}
    form = RespondentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opinion_assign_respondent(
                registration=registration, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Le répondant est enregistré et prévenu par e-mail."))
            return redirect("evaluations:opinion_staff", registration_pk=registration.pk)
    context = {
        "registration": registration,
        "opinion": opinion,
        "form": form,
        "reopen_form": ReopenForm(),
        "capacity_rows": _answer_rows(registration, opinion) if opinion else [],
    }
    return render(request, "evaluations/opinion_staff.html", context)


def _answer_rows(registration, opinion):
    answers = {row.capacity_id: row for row in opinion.capacities.all()}
    return [(c, answers.get(c.pk)) for c in registration.campaign.referential.capacities.all()]


@login_required
@require_POST
def opinion_reopen_view(request, registration_pk: int):
    registration = staff_registration_or_404(request, registration_pk)
    opinion = _opinion_of(registration)
    if opinion is None:
        raise Http404
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: opinion_reopen(opinion=opinion, reason=reason, by=request.user),
        success=_("L'avis est rouvert : le répondant peut le modifier."),
    )
    return redirect("evaluations:opinion_staff", registration_pk=registration.pk)


@login_required
def tutor_home(request):
    """The opinions asked of the user, those to give first; filtered by the home's task link
    (`a_faire=1`, `campagne=<id>`) on exactly what it counts."""
    campaigns = respondent_campaigns(user=request.user)
    todo = request.GET.get("a_faire") == "1"
    campaign_id = next(
        (pk for pk, _name in campaigns if str(pk) == request.GET.get("campagne", "")), None
    )
    rows = opinion_rows_for_respondent(user=request.user, todo=todo, campaign_id=campaign_id)
    filters = {k: v for k, v in (("a_faire", "1" if todo else ""), ("campagne", campaign_id)) if v}
    context = {
        "page": paginate(request, rows),
        "today": timezone.localdate(),
        "todo": todo,
        "campaign_id": campaign_id,
        "campaigns": campaigns,
        "query": urlencode(filters),
    }
    return render(request, "evaluations/tutor_home.html", context)


@login_required
def opinion_form(request, pk: int):
    opinion = get_scoped_or_404(
        opinion_list_for_respondent(user=request.user).prefetch_related("capacities", "criteria"),
        pk=pk,
    )
    registration = opinion.registration
    capacities = _capacities(registration)
    if opinion.is_locked and request.method != "POST":
        # Sent: a page to read, not a form of disabled fields with nothing to submit.
        context = {
            "opinion": opinion,
            "registration": registration,
            "rows": _read_rows(capacities, opinion),
        }
        return render(request, "evaluations/opinion_read.html", context)
    form = OpinionForm(request.POST or None, capacities=capacities, opinion=opinion)
    if opinion.is_locked:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        submit = "transmettre" in request.POST
        readiness = opinion_submit_readiness(capacities=capacities, answers=form.answers())
        # Unrated capacities: the service refuses, its errors shown on the form itself.
        if submit and not readiness.refused:
            step = confirmation(
                request,
                title=_("Transmettre l'avis de l'entreprise"),
                readiness=readiness,
                confirm_label=_("Confirmer la transmission"),
                cancel_url=reverse("evaluations:opinion_form", args=[opinion.pk]),
            )
            if step.response is not None:
                return step.response
        service = opinion_submit if submit else opinion_save
        try:
            service(
                opinion=opinion,
                answers=form.answers(),
                revision=form.cleaned_data["revision"],
                by=request.user,
            )
        except OpinionConflict as exc:
            form = _form_after_conflict(request.POST, exc, capacities=capacities, opinion=opinion)
        except DomainError as exc:
            if exc.code == "locked":
                messages.error(request, exc.message)
                return redirect("evaluations:opinion_form", pk=opinion.pk)
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Votre avis est transmis au centre d'examen. Merci.")
                if submit
                else _("Le brouillon est enregistré."),
            )
            if submit:
                return redirect("evaluations:tutor_home")
            return redirect("evaluations:opinion_form", pk=opinion.pk)
    context = {"opinion": opinion, "registration": registration, "form": form}
    return render(request, "evaluations/opinion_form.html", context)


def _read_rows(capacities, opinion):
    """(capacity, its answer, [(criterion, its answer)]) for the capacities and criteria the
    respondent answered; an unanswered criterion is left out."""
    answers = {row.capacity_id: row for row in opinion.capacities.all()}
    details = {row.criterion_id: row for row in opinion.criteria.all()}
    return [
        (
            capacity,
            answers.get(capacity.pk),
            [
                (criterion, details[criterion.pk])
                for criterion in capacity.criteria.all()
                if criterion.pk in details
                and (details[criterion.pk].rating or details[criterion.pk].comment)
            ],
        )
        for capacity in capacities
    ]


def _form_after_conflict(posted, exc: OpinionConflict, *, capacities, opinion) -> OpinionForm:
    """The respondent's typing, with the conflict shown: a capacity they left as it was takes the
    value saved meanwhile (saving again reverts nothing); the form now carries the current
    revision, so saving again is a decision taken knowingly."""
    data = posted.copy()
    data["revision"] = str(exc.revision)
    first_before: dict[int, dict | None] = {}
    last_after: dict[int, dict | None] = {}
    for entry in exc.changes:
        for change in entry["changes"]:
            if "capacity_id" in change:
                first_before.setdefault(change["capacity_id"], change["before"])
                last_after[change["capacity_id"]] = change["after"]
    for capacity_id, before in first_before.items():
        seen = before or {"rating": "", "comment": ""}
        typed = {
            "rating": posted.get(f"rating_{capacity_id}", ""),
            "comment": posted.get(f"comment_{capacity_id}", "").strip(),
        }
        if typed == seen and last_after[capacity_id] is not None:
            data[f"rating_{capacity_id}"] = last_after[capacity_id]["rating"]
            data[f"comment_{capacity_id}"] = last_after[capacity_id]["comment"]
    form = OpinionForm(data, capacities=capacities, opinion=opinion)
    form.is_valid()
    form.add_error(None, exc.message)
    return form
