from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem

from .selectors import is_candidate


def items(user) -> list[NavItem]:
    if not is_candidate(user=user):
        return []
    return [
        NavItem(
            label=_("Mon espace candidat"),
            url=reverse("portal:home"),
            description=_("Votre rapport, vos convocations, vos données et vos résultats."),
        )
    ]
