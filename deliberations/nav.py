"""Navigation of this app: jury members reach « Mes jurys »; evaluators and staff reach the
commission and jury pages from their candidates and campaigns."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem

from .selectors import is_jury_person


def items(user) -> list[NavItem]:
    if not is_jury_person(user=user):
        return []
    return [
        NavItem(
            _("Mes jurys"),
            reverse("deliberations:jury_list"),
            _("Les jurys de délibération où vous siégez : émargement, délibération, clôture."),
        )
    ]
