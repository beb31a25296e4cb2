"""Navigation assembled from the entries apps register (cqpm.core.registry.register_nav), so this
shared app imports none of them.

Each provider returns `NavItem`s the user may use; the menu shows nothing else.
"""

from dataclasses import dataclass

from .registry import nav_providers


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


def nav_items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[NavItem] = []
    for contribution in nav_providers():
        items.extend(contribution.provider(user))
    return items
