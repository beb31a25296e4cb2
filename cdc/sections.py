"""The registration page's section of the deposit with the CDC, for the staff who deposit: where
each of this registration's items stands (its certification, its validated blocks: to deposit,
deposited when, by whom, which flux, the CDC's answer), the legal deadline, what is missing, and
every flux that carried them."""

from django.template.loader import render_to_string

from candidates.models import Registration
from cqpm.core.access import can

from .models import CdcEntry, CdcItem
from .selectors import Target, Todo, holder_lines, withdrawals


def registration_section(request, registration: Registration) -> str:
    if not can(request.user, "cdc.export", registration.campaign):
        return ""
    if not registration.campaign.referential.rncp_registered:
        return ""
    lines = list(holder_lines(Target(), registration_id=registration.pk))
    to_withdraw = list(
        withdrawals(Target(campaign=registration.campaign)).filter(registration=registration)
    )
    if not lines and not to_withdraw and not CdcItem.objects.filter(registration=registration):
        return ""
    entries = (
        CdcEntry.objects.filter(registration=registration)
        .select_related("flux__deposited_by", "block")
        .order_by("-pk")[:20]
    )
    context = {
        "lines": lines,
        "to_withdraw": to_withdraw,
        "withdraw_label": Todo.LABELS[Todo.WITHDRAW],
        "entries": entries,
        "campaign": registration.campaign,
    }
    return render_to_string("cdc/_registration_section.html", context, request=request)
