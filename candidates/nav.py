from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem

from .selectors import is_centre_staff


def items(user) -> list[NavItem]:
    """Staff of an exam centre: their campaigns and their centre(s)."""
    if not is_centre_staff(user=user):
        return []
    return [
        NavItem(
            _("Campagnes"),
            reverse("candidates:campaign_list"),
            _("Les campagnes de vos centres : calendrier, candidats, inscriptions."),
        ),
        NavItem(
            _("Centres"),
            reverse("candidates:centre_list"),
            _("L'identité de vos centres d'examen et leurs membres."),
        ),
    ]
