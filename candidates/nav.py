from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import can
from cqpm.core.navigation import CampaignTab, NavItem

from .lifecycle import Activity, campaign_allows, registration_mode
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


def campaign_tabs(user, campaign) -> list[CampaignTab]:
    """The campaign frame's first tabs, for the staff of the campaign's centre."""
    if not can(user, "campaign.manage", campaign):
        return []
    tabs = [
        CampaignTab("dashboard", _("Tableau de bord"), _url("campaign_detail", campaign)),
        CampaignTab("candidates", _("Candidats"), _url("registration_list", campaign)),
    ]
    if registration_mode(campaign=campaign) is not None:
        tabs += [
            CampaignTab(
                "register", _("Inscrire un candidat"), _url("registration_create", campaign)
            ),
            CampaignTab("import", _("Importer"), _url("import_upload", campaign)),
        ]
    if campaign_allows(campaign=campaign, activity=Activity.CALENDAR):
        edit = _url("campaign_update", campaign)
        tabs.append(CampaignTab("edit", _("Modifier la campagne"), edit))
    return tabs


def _url(name: str, campaign) -> str:
    return reverse(f"candidates:{name}", args=[campaign.pk])
