from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem


def items(user) -> list[NavItem]:
    return [
        NavItem(
            _("Référentiels"),
            reverse("referentials:list"),
            _("Le catalogue des CQPM et leurs capacités professionnelles."),
        )
    ]
