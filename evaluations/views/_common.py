"""Fetch-or-404 helpers: every object a view touches comes from a queryset scoped to the user."""

from candidates.models import Campaign, Registration
from candidates.selectors import campaign_list_for, registration_list_for
from cqpm.core.pagination import Paginator
from cqpm.core.permissions import get_scoped_or_404

PAGE_SIZE = 50


def staff_registration_or_404(request, pk: int) -> Registration:
    return get_scoped_or_404(registration_list_for(user=request.user), pk=pk)


def staff_campaign_or_404(request, pk: int) -> Campaign:
    return get_scoped_or_404(campaign_list_for(user=request.user), pk=pk)


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
