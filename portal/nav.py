from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import holds
from cqpm.core.navigation import NavItem

from .selectors import is_candidate


def items(user) -> list[NavItem]:
    # Staff pages already know the user's roles: no query there for a menu entry that staff
    # (who are not candidates as a rule) do not need; /espace-candidat/ still serves them.
    if holds(user, "centre.manage") or not is_candidate(user=user):
        return []
    return [
        NavItem(
            label=_("Mon espace candidat"),
            url=reverse("portal:home"),
            description=_("Votre rapport, vos convocations, vos données et vos résultats."),
        )
    ]
