from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": SimpleLazyObject(lambda: nav_items_for(request.user))}
