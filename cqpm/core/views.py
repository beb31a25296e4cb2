import datetime
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .navigation import HomeTask, home_tasks_for
from .registry import home_items


def _grouped(tasks: list[HomeTask]) -> list[tuple[str, list[HomeTask]]]:
    """Tasks by group (a campaign, a space), the group with the earliest due date first; in a
    group, late first, then by due date."""
    far = datetime.date.max

    def key(task: HomeTask) -> tuple[datetime.date, int]:
        return (task.due or far, task.order)

    groups = [
        (name, sorted(items, key=key))
        for name, items in groupby(sorted(tasks, key=lambda t: str(t.group)), lambda t: t.group)
    ]
    return sorted(groups, key=lambda group: (key(group[1][0]), str(group[0])))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's home: what they must do next, then the spaces they may use."""
    # Blocks other apps contribute (cqpm.core.registry.register_home_item), e.g. overdue work.
    blocks = [html for item in home_items() if (html := item.provider(request))]
    groups = _grouped(home_tasks_for(request.user))
    context = {"home_blocks": blocks, "task_groups": groups, "role_less": False}
    if not groups:  # only then: why nothing shows, and whom to ask (one query)
        context["role_less"] = _role_less(request.user)
    return render(request, "home.html", context)


def _role_less(user: Any) -> bool:
    if (
        user.is_superuser
        or getattr(user, "is_reviewer", False)
        or getattr(user, "is_branch", False)
    ):
        return False
    return not user.centre_memberships.exists()


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file (its
    hashed, long-cached name in production), no login, and let them keep the answer a day."""
    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
