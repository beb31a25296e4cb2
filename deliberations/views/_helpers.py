from django.core.paginator import Paginator
from django.http import Http404

PAGE_SIZE = 50


def paginate(request, queryset, *, per_page: int = PAGE_SIZE, param: str = "page"):
    """The requested page of `queryset` (a bad page number answers the last or first page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def require(condition: bool) -> None:
    """Outside the user's scope: 404, never 403."""
    if not condition:
        raise Http404
