"""Request ids and structured logs, carried from the web request into the Celery tasks it queues.

Every request gets an id: the trusted proxy's `X-Request-ID` when the request came through one of
TRUSTED_PROXIES (and the value looks like an id), a new one otherwise. It is echoed in the
response, attached to every log record of the request (with the path and the user's id), put
in the headers of each task the request queues, and restored in the worker for the task's own
log lines. In production, `JsonFormatter` writes one JSON object per line.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

from .clientip import from_trusted_proxy

HEADER = "X-Request-ID"
TASK_HEADER = "cqpm_request_id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id: ContextVar[str | None] = ContextVar("cqpm_request_id", default=None)
request_path: ContextVar[str | None] = ContextVar("cqpm_request_path", default=None)
user_id: ContextVar[int | None] = ContextVar("cqpm_user_id", default=None)

access_logger = logging.getLogger("cqpm.request")
task_logger = logging.getLogger("cqpm.task")


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's id when a trusted proxy sent a well-formed one, otherwise a fresh one."""
    candidate = request.headers.get(HEADER, "")
    if candidate and _VALID_ID.match(candidate) and from_trusted_proxy(request):
        return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request's id, path and user for its log lines; logs one access line at the end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_request_id(request)
        request.request_id = rid  # type: ignore[attr-defined]
        tokens = (request_id.set(rid), request_path.set(request.path), user_id.set(None))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            for var, token in zip((request_id, request_path, user_id), tokens, strict=True):
                var.reset(token)  # type: ignore[attr-defined]

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        # Runs after the authentication middleware: the user is known from here on.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id.set(user.pk)


class RequestContextFilter(logging.Filter):
    """Adds the current request id, path and user id to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (("request_id", request_id), ("path", request_path), ("user_id", user_id)):
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request's context."""

    FIELDS = ("request_id", "user_id", "path", "status", "duration_ms", "task", "task_id")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Celery: the id travels in the message headers -------------------------------------------


@before_task_publish.connect
def _put_request_id_in_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    current = request_id.get()
    if current and headers is not None:
        headers.setdefault(TASK_HEADER, current)


@task_prerun.connect
def _restore_request_id(task: Any = None, task_id: str | None = None, **_: Any) -> None:
    carried = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if carried:  # eager tasks run in the request's own context: nothing to restore
        task.request._cqpm_token = request_id.set(carried)
    task_logger.info(
        "task %s started",
        getattr(task, "name", "?"),
        extra={"task": getattr(task, "name", None), "task_id": task_id},
    )


@task_postrun.connect
def _forget_request_id(task: Any = None, **_: Any) -> None:
    token = getattr(task.request, "_cqpm_token", None) if task is not None else None
    if token is not None:
        request_id.reset(token)
        task.request._cqpm_token = None
