"""Navigation assembled from the entries apps register (cqpm.core.registry), so this shared app
imports none of them.

- the menu: `NavItem`s from `register_nav` providers, only what the user may use;
- the campaign frame: `CampaignTab`s from `register_campaign_tab` providers, the tabs every page
  inside a campaign shares (each later app adds its own);
- a registration's row: `NavItem`s from `register_registration_link` providers;
- the home page: `HomeTask`s from `register_home_tasks` providers, what the person must do next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from .access import User

from .registry import (
    campaign_tab_providers,
    home_task_providers,
    nav_providers,
    registration_link_providers,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class CampaignTab:
    key: str  # the page names its tab by this key to mark it current
    label: str | Promise
    url: str


@dataclass(frozen=True)
class HomeTask:
    """One line of a person's home: `count` things to do at `url`, grouped under `group`
    (a campaign's name, or a role's space), late when `due` is past."""

    group: str
    label: str | Promise
    url: str
    count: int = 1
    due: datetime.date | None = None
    order: int = 0

    @property
    def late(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def nav_items_for(user: User | None) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[NavItem] = []
    for contribution in nav_providers():
        items.extend(contribution.provider(user))
    return items


def campaign_tabs_for(user: User | None, campaign: Any) -> list[CampaignTab]:
    if not getattr(user, "is_authenticated", False):
        return []
    tabs: list[CampaignTab] = []
    for contribution in campaign_tab_providers():
        tabs.extend(contribution.provider(user, campaign))
    return tabs


def home_tasks_for(user: User | None) -> list[HomeTask]:
    if not getattr(user, "is_authenticated", False):
        return []
    tasks: list[HomeTask] = []
    for contribution in home_task_providers():
        tasks.extend(contribution.provider(user))
    return tasks


def registration_links_for(user: User | None, registration: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    links: list[NavItem] = []
    for contribution in registration_link_providers():
        links.extend(contribution.provider(user, registration))
    return links
