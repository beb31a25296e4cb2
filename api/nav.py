from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem


def items(user) -> list[NavItem]:
    """Everyone signed in may make API tokens: they carry the person's own rights, no more."""
    return [
        NavItem(
            _("Jetons d'API"),
            reverse("api_tokens:list"),
            _("Vos clés d'accès à l'API REST, pour relier vos logiciels aux campagnes."),
        )
    ]
