"""Fetch-or-404 helpers: every object comes from a queryset scoped to the user."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from cqpm.core.permissions import get_scoped_or_404

from .. import selectors


def staff_required(view):
    """Logged-in staff of at least one centre; anyone else gets a 404 (anonymous: login)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_centre_staff(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def campaign_for(request, pk):
    return get_scoped_or_404(selectors.campaign_list_for(user=request.user), pk=pk)


def registration_for(request, pk):
    return get_scoped_or_404(selectors.registration_list_for(user=request.user), pk=pk)


def centre_for(request, pk):
    return get_scoped_or_404(selectors.centre_list_for(user=request.user), pk=pk)
