from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem

from .selectors import is_candidate


def items(user) -> list[NavItem]:
    # Staff pages already know the user's centres: no query there for a menu entry that staff
    # (who are not candidates as a rule) do not need; /espace-candidat/ still serves them.
    if getattr(user, "_cqpm_staff_centre_ids", None) or not is_candidate(user=user):
        return []
    return [
        NavItem(
            label=_("Mon espace candidat"),
            url=reverse("portal:home"),
            description=_("Votre rapport, vos convocations, vos données et vos résultats."),
        )
    ]
