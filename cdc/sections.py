"""The registration page's section of the deposit with the CDC, for the staff who deposit: where
this holder stands (to deposit, deposited when, by whom, which flux, the CDC's answer), the
legal deadline, what is missing, and every flux that carried them."""

from django.template.loader import render_to_string

from candidates.models import Registration
from cqpm.core.access import can

from .models import CdcEntry, CdcHolder
from .selectors import Target, Todo, holder_lines


def registration_section(request, registration: Registration) -> str:
    if not can(request.user, "cdc.export", registration.campaign):
        return ""
    if not registration.campaign.referential.rncp_registered:
        return ""
    line = next(holder_lines(Target(), registration_id=registration.pk), None)
    holder = line.holder if line else CdcHolder.objects.filter(registration=registration).first()
    if line is None and holder is None:
        return ""
    entries = (
        CdcEntry.objects.filter(registration=registration)
        .select_related("flux__deposited_by")
        .order_by("-pk")[:20]
    )
    context = {
        "line": line,
        "holder": holder,
        "to_withdraw": line is None and holder is not None and holder.status in CdcHolder.HELD,
        "withdraw_label": Todo.LABELS[Todo.WITHDRAW],
        "entries": entries,
        "campaign": registration.campaign,
    }
    return render_to_string("cdc/_registration_section.html", context, request=request)
