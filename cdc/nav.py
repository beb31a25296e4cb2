"""The staff's way to the deposits: a menu entry and a tab of each campaign's frame."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import can, holds
from cqpm.core.navigation import CampaignTab, NavItem


def items(user) -> list[NavItem]:
    if not holds(user, "cdc.export"):
        return []
    return [
        NavItem(
            _("Dépôts à la CDC"),
            reverse("cdc:tracker"),
            _(
                "Les titulaires déclarés à la Caisse des Dépôts (Passeport de compétences) : "
                "échéances, flux, comptes rendus."
            ),
        )
    ]


def campaign_tabs(user, campaign) -> list[CampaignTab]:
    if not holds(user, "cdc.export") or not can(user, "cdc.export", campaign):
        return []
    return [CampaignTab("cdc", _("Dépôt CDC"), reverse("cdc:campaign", args=[campaign.pk]))]
