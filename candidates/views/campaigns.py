from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError, add_to_form

from .. import selectors, services
from ..forms import CampaignForm
from ..lifecycle import campaign_next_statuses
from ..models import Campaign, Registration
from ._fetch import campaign_for, staff_required

# Button labels of the status actions, by target status.
TRANSITION_LABELS = {
    Campaign.Status.PLANNED: gettext_lazy("Repasser en « Planifiée »"),
    Campaign.Status.OPEN: gettext_lazy("Ouvrir les inscriptions"),
    Campaign.Status.IN_PROGRESS: gettext_lazy("Démarrer les évaluations"),
    Campaign.Status.JURY: gettext_lazy("Passer à l'étape du jury"),
    Campaign.Status.CLOSED: gettext_lazy("Clôturer la campagne"),
    Campaign.Status.CANCELLED: gettext_lazy("Annuler la campagne"),
}


@staff_required
def campaign_list(request):
    campaigns = selectors.campaign_list_for(user=request.user, with_counts=True)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(request, "candidates/campaign_list.html", {"page": page})


@staff_required
def campaign_create(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                centre=form.cleaned_data["centre"],
                referential=form.cleaned_data["referential"],
                data=form.campaign_data(),
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("La campagne « %s » est créée.") % campaign.name)
            return redirect("candidates:campaign_detail", pk=campaign.pk)
    return render(request, "candidates/campaign_form.html", {"form": form})


@staff_required
def campaign_update(request, pk):
    campaign = campaign_for(request, pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                referential=form.cleaned_data["referential"],
                data=form.campaign_data(),
                by=request.user,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("La campagne est modifiée."))
            return redirect("candidates:campaign_detail", pk=campaign.pk)
    return render(request, "candidates/campaign_form.html", {"form": form, "campaign": campaign})


@staff_required
@require_POST
def campaign_transition(request, pk):
    campaign = campaign_for(request, pk)
    to = request.POST.get("to", "")
    step = confirmation(
        request,
        title=_("%(action)s — %(name)s")
        % {"action": TRANSITION_LABELS.get(to, _("Changer le statut")), "name": campaign.name},
        readiness=selectors.campaign_transition_readiness(campaign=campaign, to=to),
        confirm_label=_("Confirmer"),
        cancel_url=reverse("candidates:campaign_detail", args=[campaign.pk]),
        danger=to == Campaign.Status.CANCELLED,
    )
    if step.response is not None:
        return step.response
    try:
        campaign = services.campaign_transition(
            campaign=campaign, to=to, by=request.user, reason=step.reason
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("La campagne est maintenant « %s ».") % campaign.get_status_display(),
        )
    return redirect("candidates:campaign_detail", pk=campaign.pk)


@staff_required
def campaign_detail(request, pk):
    campaign = campaign_for(request, pk)
    # Drawn from the map (Campaign.TRANSITIONS), never from a second copy of the rules.
    actions = [
        (status, TRANSITION_LABELS[status]) for status in campaign_next_statuses(campaign=campaign)
    ]
    dashboard = selectors.campaign_dashboard(campaign=campaign)
    return render(
        request,
        "candidates/campaign_detail.html",
        {
            "campaign": campaign,
            "dashboard": dashboard,
            "chart": stage_chart(dashboard.counts),
            "actions": actions,
        },
    )


def stage_chart(counts, *, label_width=200, bar_room=360, bar_height=20, gap=8) -> dict:
    """Geometry of a horizontal bar chart drawn as inline SVG, one bar per stage."""
    bars = []
    for index, item in enumerate(counts):
        y = gap + index * (bar_height + gap)
        width = round(item.share * bar_room) if item.count else 0
        bars.append(
            {
                "label": item.label,
                "count": item.count,
                "y": y,
                "text_y": y + bar_height - 5,
                "width": width,
                "count_x": label_width + width + 6,
                "muted": item.stage == Registration.Stage.WITHDRAWN,
            }
        )
    return {
        "bars": bars,
        "label_width": label_width,
        "bar_height": bar_height,
        "width": label_width + bar_room + 50,
        "height": gap + len(bars) * (bar_height + gap),
    }
