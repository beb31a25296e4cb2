"""The staff's pages of the deposit with the CDC: the tracker (campaigns, fluxes, the CDC's
report), a campaign's check and export, the flux's download and deposit, a withdrawal. Scoped
by `cdc.export` (the campaigns of the staff's centres); anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from candidates.models import Campaign
from cqpm.core.access import get_or_404, holds, scope
from cqpm.core.actions import run_action
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from . import selectors
from .forms import ExportForm, ReportForm
from .models import CdcItem
from .report import ReportErrors
from .services import cdc_export, cdc_flux_deposit, cdc_item_withdraw, cdc_report_import

FLUXES_SHOWN = 50


def _require_staff(request) -> None:
    if not holds(request.user, "cdc.export"):
        raise Http404


@login_required
@require_GET
def tracker(request):
    _require_staff(request)
    return _tracker(request, ReportForm(), [])


def _tracker(request, form, errors):
    context = {
        "campaigns": selectors.campaigns_for(user=request.user)[:200],
        "fluxes": selectors.fluxes_for(user=request.user)[:FLUXES_SHOWN],
        "form": form,
        "errors": errors,
    }
    return render(request, "cdc/tracker.html", context)


@login_required
@require_POST
def report_upload(request):
    _require_staff(request)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _tracker(request, form, [])
    try:
        counts = cdc_report_import(
            data=form.cleaned_data["report"].read(),
            fluxes=selectors.fluxes_for(user=request.user),
            by=request.user,
        )
    except ReportErrors as exc:
        messages.error(request, exc.message)
        return _tracker(request, form, exc.errors)
    messages.success(
        request,
        _("Compte rendu enregistré : %(accepted)s accepté(s), %(rejected)s rejeté(s).") % counts,
    )
    return redirect("cdc:tracker")


def _campaign(request, pk: int) -> Campaign:
    return get_or_404(
        request.user, "cdc.export", Campaign.objects.select_related("centre", "referential"), pk=pk
    )


@login_required
@require_GET
def campaign(request, pk: int):
    campaign = _campaign(request, pk)
    sessions = selectors.session_choices(campaign)
    session = None
    if request.GET.get("session"):
        session = get_scoped_or_404(sessions, pk=request.GET["session"])
    target = selectors.Target(campaign=campaign, session=session)
    lines = list(selectors.holder_lines(target))
    context = {
        "campaign": campaign,
        "session": session,
        "sessions": sessions,
        "lines": lines,
        "refused": [ln for ln in lines if ln.problems and ln.todo in selectors.Todo.EXPORTED],
        "exportable": sum(
            1 for ln in lines if not ln.problems and ln.todo in selectors.Todo.EXPORTED
        ),
        "blocking": selectors.blocking_of(selectors.certifications(target)),
        "withdrawals": selectors.withdrawals(target),
        "fluxes": selectors.fluxes_for(user=request.user).filter(campaign=campaign)[:FLUXES_SHOWN],
        "form": ExportForm(sessions=sessions, initial={"session": session}),
    }
    return render(request, "cdc/campaign.html", context)


@login_required
@require_POST
def export(request, pk: int):
    campaign = _campaign(request, pk)
    form = ExportForm(request.POST, sessions=selectors.session_choices(campaign))
    if not form.is_valid():
        messages.error(request, _("Choisissez un jury clos de cette campagne."))
        return redirect("cdc:campaign", pk=campaign.pk)
    target = selectors.Target(campaign=campaign, session=form.cleaned_data["session"])
    try:
        result = cdc_export(target=target, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cdc:campaign", pk=campaign.pk)
    text = _("Le flux %(id)s est prêt : %(n)s titulaire(s), validé par le schéma de la CDC.") % {
        "id": result.flux.id_flux,
        "n": result.flux.holder_count,
    }
    if result.refused:
        text += " " + ngettext(
            "%(n)s titulaire aux données incomplètes n'y est pas : complétez-les.",
            "%(n)s titulaires aux données incomplètes n'y sont pas : complétez-les.",
            len(result.refused),
        ) % {"n": len(result.refused)}
    messages.success(request, text)
    return redirect("cdc:campaign", pk=campaign.pk)


@login_required
@require_GET
def flux_download(request, pk: int):
    flux = get_scoped_or_404(selectors.fluxes_for(user=request.user), pk=pk)
    try:
        handle = flux.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=flux.filename, content_type="application/xml"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def flux_deposit(request, pk: int):
    flux = get_scoped_or_404(selectors.fluxes_for(user=request.user), pk=pk)
    run_action(
        request,
        lambda: cdc_flux_deposit(flux=flux, by=request.user),
        success=_("Le dépôt du flux %(id)s est enregistré.") % {"id": flux.id_flux},
    )
    return redirect(_back(request, flux.campaign_id))


@login_required
@require_POST
def holder_withdraw(request, pk: int):
    campaigns = scope(request.user, "cdc.export", Campaign.objects.all())
    items = CdcItem.objects.filter(registration__campaign__in=campaigns)
    item = get_scoped_or_404(items.select_related("registration__campaign"), pk=pk)
    run_action(
        request,
        lambda: cdc_item_withdraw(item=item, by=request.user),
        success=_("Le retrait du titulaire est enregistré."),
    )
    return redirect("cdc:campaign", pk=item.registration.campaign_id)


def _back(request, campaign_id: int | None):
    if campaign_id is not None:
        return redirect("cdc:campaign", pk=campaign_id).url
    return redirect("cdc:tracker").url
