"""What the registration page shows of the commission and the jury (include
`deliberations/_registration_sections.html` with this context)."""

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from candidates.models import Registration

from .models import BlockValidation, CapacityResult, ResultSheet
from .selectors import decision_history, evaluation_registration_list_for, related_or_none


def registration_context(*, registration: Registration, user: Any) -> dict:
    """Results with the sheet's state, carried-over and still-valid capacities with their end
    dates, and every jury decision (active and superseded). Keys are prefixed `delib_`."""
    sheet = related_or_none(registration, "result_sheet", ResultSheet)
    results = (
        list(
            CapacityResult.objects.filter(sheet=sheet)
            .select_related("capacity", "carried_from__sheet__registration__campaign")
            .order_by("capacity__number")
        )
        if sheet
        else []
    )
    decisions = decision_history(registration=registration)
    can_open = evaluation_registration_list_for(user=user).filter(pk=registration.pk).exists()
    return {
        "delib_sheet": sheet,
        "delib_results": results,
        "delib_acquired": sum(r.outcome == CapacityResult.Outcome.ACQUIRED for r in results),
        "delib_total": registration.campaign.referential.capacities.count(),
        "delib_carried": [r for r in results if r.source == CapacityResult.Source.CARRIED_OVER],
        "delib_valid_until": [
            r
            for r in results
            if r.source == CapacityResult.Source.COMMISSION and r.valid_until is not None
        ],
        # Blocks of a CQPM registered in the RNCP whose every capacity is acquired: 5 years.
        "delib_blocks": (
            list(BlockValidation.objects.filter(sheet=sheet).select_related("block"))
            if sheet
            else []
        ),
        "delib_decisions": decisions,
        "delib_active_decision": next((d for d in decisions if d.is_active), None),
        "delib_evaluation_url": (
            reverse("deliberations:evaluation", args=[registration.pk]) if can_open else None
        ),
    }


def registration_section(request, registration: Registration) -> str:
    """The registration page's provider (discovered by candidates.views.registrations)."""
    context = {"registration": registration, "user": request.user}
    context.update(registration_context(registration=registration, user=request.user))
    return render_to_string("deliberations/_registration_sections.html", context, request=request)
