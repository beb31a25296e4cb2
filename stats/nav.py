"""Navigation and home page of this app: the branch and each centre's staff reach the
statistics; the branch its received transmissions, and every centre's overdue ones at home."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.navigation import NavItem

from .selectors import is_branch, overdue_packs_national, statistics_scope_for

HOME_OVERDUE_SHOWN = 20


def items(user) -> list[NavItem]:
    scope = statistics_scope_for(user=user)
    if scope is None:
        return []
    entries = [
        NavItem(
            _("Statistiques"),
            reverse("stats:dashboard"),
            _("Taux d'obtention, capacités acquises, délais, par centre, CQPM et parcours.")
            if scope.national
            else _("Les résultats des jurys de votre centre : taux d'obtention, délais…"),
        )
    ]
    if is_branch(user):
        entries.append(
            NavItem(
                _("Transmissions reçues"),
                reverse("stats:inbox"),
                _("Les dossiers de jury envoyés par les centres : empreintes, accusés."),
            )
        )
    return entries


def home_overdue(request) -> str:
    """The branch's home: packs of every centre past their due date and not sent."""
    if not is_branch(request.user):
        return ""
    packs = overdue_packs_national(user=request.user)
    shown = list(packs[:HOME_OVERDUE_SHOWN])
    if not shown:
        return ""
    total = len(shown) if len(shown) < HOME_OVERDUE_SHOWN else packs.count()
    return render_to_string(
        "stats/_home_overdue.html", {"overdue": shown, "total": total}, request=request
    )
