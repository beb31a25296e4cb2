from django.utils.functional import SimpleLazyObject

from .navigation import nav_items_for


def navigation(request):
    return {"nav_items": SimpleLazyObject(lambda: nav_items_for(request.user))}
