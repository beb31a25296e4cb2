"""Staff's side of the candidate space: invite a candidate (one here, many through the bulk
action), decide a correction request. POST only; out of reach answers 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.selectors import campaign_list_for, registration_list_for
from candidates.views._fetch import staff_required
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from . import selectors, services
from .forms import CorrectionDecisionForm
from .models import CorrectionRequest


@staff_required
@require_POST
def invite(request, pk):
    registration = get_scoped_or_404(registration_list_for(user=request.user), pk=pk)
    try:
        services.candidate_invite(registration=registration, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "%(name)s est invité(e) dans son espace candidat : un e-mail lui explique comment "
                "se connecter."
            )
            % {"name": registration.candidate},
        )
    return redirect("candidates:registration_detail", pk=registration.pk)


@staff_required
@require_POST
def correction_decide(request, pk):
    correction = get_scoped_or_404(selectors.corrections_for_staff(user=request.user), pk=pk)
    form = CorrectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
    else:
        try:
            services.correction_decide(
                request=correction,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reply=form.cleaned_data["reply"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("La demande de rectification est traitée."))
    return redirect("candidates:registration_detail", pk=correction.registration_id)


@staff_required
def corrections(request, pk):
    campaign = get_scoped_or_404(campaign_list_for(user=request.user), pk=pk)
    rows = selectors.corrections_for_staff(user=request.user).filter(
        registration__campaign=campaign
    )
    context = {
        "campaign": campaign,
        "pending": rows.filter(status=CorrectionRequest.Status.PENDING).order_by("pk"),
        "decided": rows.exclude(status=CorrectionRequest.Status.PENDING).order_by("-pk")[:50],
        "decision_form": CorrectionDecisionForm(),
    }
    return render(request, "portal/corrections.html", context)
