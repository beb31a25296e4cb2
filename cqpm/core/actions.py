"""The one way views run a state-changing service: its French success message, or its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from .confirmation import Step
from .errors import DomainError

T = TypeVar("T")
M = TypeVar("M")


def run_action(
    request: HttpRequest, action: Callable[[], T], *, success: str | Promise
) -> T | None:
    """Call `action`; on DomainError show its message and return None, else show `success`."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, str(success))
    return result


def object_action(
    fetch: Callable[[HttpRequest, int], M],
    act: Callable[[M, Any], object],
    *,
    success: str | Promise,
    back: Callable[[M], str],
    confirm: Callable[[HttpRequest, M], Step] | None = None,
) -> Callable[..., HttpResponse]:
    """A POST view of the shape fetch-or-404 → one service → message → redirect: `fetch(request,
    pk)` answers 404 outside the user's scope, `act(obj, user)` calls the service (a
    DomainError becomes the error message), `back(obj)` is the URL to return to; `confirm(request,
    obj)`, for an irreversible step, is its `cqpm.core.confirmation.confirmation()` step."""

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = fetch(request, pk)
        if confirm is not None:
            step = confirm(request, obj)
            if step.response is not None:
                return step.response
        run_action(request, lambda: act(obj, request.user), success=success)
        return redirect(back(obj))

    return view
