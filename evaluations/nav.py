"""Navigation entries of the evaluations app: one per role that has something to do here."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import can
from cqpm.core.navigation import CampaignTab, NavItem

from .selectors import is_evaluator, is_respondent


def items(user) -> list[NavItem]:
    entries = []
    if getattr(user, "is_reviewer", False):
        entries.append(
            NavItem(
                _("Relecture des dossiers"),
                reverse("evaluations:review_queue"),
                _("Dossiers d'évaluation soumis au centre de ressource, à approuver ou renvoyer."),
            )
        )
    if is_respondent(user=user):
        entries.append(
            NavItem(
                _("Mes avis à donner"),
                reverse("evaluations:tutor_home"),
                _("Les candidats pour lesquels l'avis de l'entreprise vous est demandé."),
            )
        )
    if is_evaluator(user=user):
        entries.append(
            NavItem(
                _("Mes candidats"),
                reverse("evaluations:evaluator_home"),
                _("Les candidats de vos commissions d'évaluation : rapports et entretiens."),
            )
        )
    return entries


def campaign_tabs(user, campaign) -> list[CampaignTab]:
    """The dossiers and the commissions of a campaign, for the staff of its centre."""
    if not can(user, "campaign.manage", campaign):
        return []
    return [
        CampaignTab(
            "dossiers", _("Dossiers"), reverse("evaluations:campaign_dossiers", args=[campaign.pk])
        ),
        CampaignTab(
            "commissions",
            _("Commissions"),
            reverse("evaluations:campaign_commissions", args=[campaign.pk]),
        ),
    ]
