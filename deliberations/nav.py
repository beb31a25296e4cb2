"""Navigation of this app: jury members reach « Mes jurys »; evaluators and staff reach the
commission and jury pages from their candidates and campaigns."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import can
from cqpm.core.navigation import CampaignTab, NavItem
from evaluations.selectors import FINISHED

from .selectors import evaluated_registration_ids, is_jury_person


def items(user) -> list[NavItem]:
    if not is_jury_person(user=user):
        return []
    return [
        NavItem(
            _("Mes jurys"),
            reverse("deliberations:jury_list"),
            _("Les jurys de délibération où vous siégez : émargement, délibération, clôture."),
        )
    ]


def campaign_tabs(user, campaign) -> list[CampaignTab]:
    """The jury sessions of a campaign, for the staff of its centre."""
    if not can(user, "campaign.manage", campaign):
        return []
    return [
        CampaignTab(
            "juries", _("Jurys"), reverse("deliberations:campaign_juries", args=[campaign.pk])
        )
    ]


def registration_links(user, registration) -> list[NavItem]:
    """The results page of a registration the user evaluates (one query per request)."""
    evaluated = getattr(user, "_cqpm_evaluated_ids", None)
    if evaluated is None:
        # Running campaigns only: an evaluator's years of closed campaigns are not read here.
        evaluated = set(
            evaluated_registration_ids(user=user)
            .exclude(registration__campaign__status__in=FINISHED)
            .values_list("registration_id", flat=True)
        )
        user._cqpm_evaluated_ids = evaluated
    if registration.pk not in evaluated:
        return []
    url = reverse("deliberations:evaluation", args=[registration.pk])
    return [NavItem(_("Résultats"), url)]
