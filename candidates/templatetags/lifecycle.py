"""Pages ask the lifecycle declaration which actions to offer, never a copy of the rules:
`{% load lifecycle %}{% campaign_allows campaign "dossier" as can_edit %}`."""

from django import template

from ..lifecycle import Activity, campaign_allows, refusal_message, registration_mode

register = template.Library()

# Not an activity of its own: registering at all, on time or late (with a reason).
ANY_REGISTRATION = "registration"


@register.simple_tag(name="campaign_allows")
def campaign_allows_tag(campaign, activity: str) -> bool:
    if activity == ANY_REGISTRATION:
        return registration_mode(campaign=campaign) is not None
    return campaign_allows(campaign=campaign, activity=Activity(activity))


@register.simple_tag(name="campaign_refusal")
def campaign_refusal_tag(campaign, activity: str) -> str:
    """The French sentence a page shows instead of a form the campaign's status refuses ("" when
    it allows the activity)."""
    if campaign_allows(campaign=campaign, activity=Activity(activity)):
        return ""
    return refusal_message(campaign=campaign, activity=Activity(activity))
