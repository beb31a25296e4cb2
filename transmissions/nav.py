"""Navigation and home page of this app: staff reach the tracker; overdue transmissions show on
their home page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import holds
from cqpm.core.navigation import NavItem

from .selectors import overdue_packs_for


def items(user) -> list[NavItem]:
    if not holds(user, "pack.manage"):
        return []
    return [
        NavItem(
            _("Transmissions au GTP"),
            reverse("transmissions:tracker_list"),
            _(
                "Le dossier de chaque jury clos pour le GTP « Certifications » : échéance, "
                "envoi, accusé de réception."
            ),
        )
    ]


def home_overdue(request) -> str:
    """The staff home's alert: transmissions past their due date and not sent."""
    if not holds(request.user, "pack.manage"):
        return ""
    overdue = list(overdue_packs_for(user=request.user)[:20])
    if not overdue:
        return ""
    return render_to_string(
        "transmissions/_home_overdue.html", {"overdue": overdue}, request=request
    )
