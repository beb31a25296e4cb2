"""Navigation assembled from each app's `nav.items(user)`, so this shared app imports none of them.

Each provider returns `NavItem`s the user may use; the menu shows nothing else.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


def nav_items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[NavItem] = []
    for path in settings.CQPM_NAVIGATION:
        items.extend(import_string(path)(user))
    return items
