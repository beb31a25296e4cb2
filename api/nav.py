from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import only_own
from cqpm.core.navigation import NavItem


def items(user) -> list[NavItem]:
    """Everyone signed in but a candidate may make API tokens: they carry the person's own
    rights, no more, and the API gives a candidate nothing of their own."""
    if only_own(user):
        return []
    return [
        NavItem(
            _("Jetons d'API"),
            reverse("api_tokens:list"),
            _("Vos clés d'accès à l'API REST, pour relier vos logiciels aux campagnes."),
        )
    ]
