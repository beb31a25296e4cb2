"""The frame every page inside a campaign shares: breadcrumbs and the campaign's tabs, drawn
from the tabs apps register (cqpm.core.registry.register_campaign_tab).

`{% load frame %}{% campaign_frame campaign tab="dossiers" parent=p parent_url=u crumb=c %}`
`tab` marks the current tab; `parent` (linked) and `crumb` (the current page) extend the trail.
Whoever sees no tab (an evaluator, a jury member) still sees where they are; the parent is linked
for them only with `parent_open=True` (a page they may open)."""

from typing import Any

from django import template
from django.template import Context

from ..navigation import NavItem, campaign_tabs_for, registration_links_for

register = template.Library()


@register.inclusion_tag("core/_campaign_frame.html", takes_context=True)
def campaign_frame(
    context: Context,
    campaign: Any,
    tab: str = "",
    crumb: str = "",
    parent: str = "",
    parent_url: str = "",
    parent_open: bool = False,
) -> dict[str, Any]:
    request = context.get("request")
    tabs = campaign_tabs_for(getattr(request, "user", None), campaign)
    return {
        "campaign": campaign,
        "tabs": tabs,
        "tab": tab,
        "crumb": crumb,
        "parent": parent,
        "parent_url": parent_url if (tabs or parent_open) else "",
        "campaign_url": tabs[0].url if tabs else "",
    }


@register.simple_tag(takes_context=True)
def registration_links(context: Context, registration: Any) -> list[NavItem]:
    """`{% registration_links r as links %}`: the later apps' pages for this registration."""
    request = context.get("request")
    return registration_links_for(getattr(request, "user", None), registration)
