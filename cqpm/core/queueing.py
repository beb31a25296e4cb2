"""Handing work to Celery after the commit, without letting a broker outage break the change.

`delay_on_commit` raises in the on-commit callback when the broker is down: the change is
committed, yet the page answers 500 and nothing says the work was never queued. Here the send
is attempted after the commit; if the broker refuses it, the failure is logged, `on_failure`
records it (the caller's row stays to be picked up by a periodic task), and the page answers
normally with a French notice (DeferredWorkMiddleware). Within one request, once the broker has
refused a message, the next ones are not even tried: each attempt costs about a second.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (KombuError, OSError)


@dataclass
class _Deferral:
    broker_down: bool = False


# Set per request by the middleware; None elsewhere (workers, commands): every send is tried.
_request_deferral: ContextVar[_Deferral | None] = ContextVar("cqpm_deferral", default=None)


def task_named(path: str) -> Any:
    """The Celery task at dotted `path` ("documents.tasks.generate_document"), imported when
    asked: services name their tasks instead of importing the module that imports them back."""
    return import_string(path)


def enqueue_on_commit(
    task: Any, *args: Any, on_failure: Callable[[], None] | None = None, using: str | None = None
) -> None:
    """Send `task(*args)` once the current transaction commits; a broker outage is survived.
    `task` is a task or its dotted path (looked up at sending time, see `task_named`)."""
    transaction.on_commit(partial(_send, task, args, on_failure), using=using)


def _send(task: Any, args: tuple[Any, ...], on_failure: Callable[[], None] | None) -> None:
    if isinstance(task, str):
        task = task_named(task)
    deferral = _request_deferral.get()
    if deferral is None or not deferral.broker_down:
        try:
            task.apply_async(args)
            return
        except BROKER_ERRORS as error:
            logger.warning(
                "broker unavailable, %s%r left for the periodic requeue: %s", task.name, args, error
            )
            if deferral is not None:
                deferral.broker_down = True
    if on_failure is not None:
        on_failure()


def broker_was_down() -> bool:
    """Whether a send of the current request was refused by the broker."""
    deferral = _request_deferral.get()
    return deferral is not None and deferral.broker_down


class DeferredWorkMiddleware:
    """Tells the person, in French, that work their action queued will follow later when the
    broker refused it. Placed after MessageMiddleware, so the notice reaches the next page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_deferral.set(_Deferral())
        try:
            response = self.get_response(request)
            if broker_was_down() and hasattr(request, "_messages"):
                messages.warning(
                    request,
                    _(
                        "Le service de génération des documents est momentanément indisponible : "
                        "votre modification est bien enregistrée, et les documents seront générés "
                        "automatiquement dès son retour."
                    ),
                )
            return response
        finally:
            _request_deferral.reset(token)
