from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.selectors import is_centre_staff
from cqpm.core.navigation import NavItem


def items(user) -> list[NavItem]:
    """Staff of an exam centre: the webhooks of their centre(s)."""
    if not is_centre_staff(user=user):
        return []
    return [
        NavItem(
            _("Webhooks"),
            reverse("webhooks:index"),
            _("Prévenir les logiciels de vos centres des inscriptions, décisions et documents."),
        )
    ]
