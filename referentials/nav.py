from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import only_own
from cqpm.core.navigation import NavItem


def items(user) -> list[NavItem]:
    """The catalogue, for those who work on campaigns (a candidate reads theirs in their space;
    the published catalogue stays open to anyone at its address)."""
    if only_own(user):
        return []
    return [
        NavItem(
            _("Référentiels"),
            reverse("referentials:list"),
            _("Le catalogue des CQPM et leurs capacités professionnelles."),
        )
    ]
