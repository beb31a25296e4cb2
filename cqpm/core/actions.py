"""The one way views run a state-changing service: its French success message, or its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError

T = TypeVar("T")


def run_action(request: HttpRequest, action: Callable[[], T], *, success: str) -> T | None:
    """Call `action`; on DomainError show its message and return None, else show `success`."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result
