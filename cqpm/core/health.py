"""Health: `/healthz`, the cheap liveness probe, and `/sante/`, what each component says.

`/healthz` answers from the first middleware, before host validation and the https redirect, so
a container's probe on 127.0.0.1 stays true; it says only that the process serves requests.
`/sante/` checks the database, the cache (Redis in production), the Celery workers and the file
storage (`default_storage`, whatever its backend) with django-health-check's checks. The public
sees only the overall status, `ok` or `dégradé` (HTTP 200 or 503); staff, or the monitoring system
with the HEALTH_CHECK_TOKEN bearer token, also see which component failed and why.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"


class LivenessMiddleware:
    """Answers `/healthz` before anything else runs (host check, https redirect, sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVENESS_PATH and request.method in ("GET", "HEAD"):
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


@dataclasses.dataclass
class CeleryWorkers(HealthCheck):  # type: ignore[misc]  # django-health-check ships no types
    """At least one worker answers a ping through the broker within HEALTH_CELERY_TIMEOUT."""

    def check_status(self) -> None:
        from cqpm.celery import app

        timeout = settings.HEALTH_CELERY_TIMEOUT
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=timeout)
                # The first reply is enough: at least one worker consumes the queue.
                replies = app.control.ping(timeout=timeout, connection=connection, limit=1)
        except Exception as error:  # noqa: BLE001 - whatever the broker raises, it is down
            raise ServiceUnavailable(f"broker unreachable: {error!r}") from error
        if not replies:
            raise ServiceUnavailable("no Celery worker answered the ping")


COMPONENTS: dict[str, tuple[str | Promise, Callable[[], HealthCheck]]] = {
    "database": (_("Base de données"), Database),
    "cache": (_("Cache partagé (Redis)"), lambda: Cache(cache_key=None)),
    "workers": (_("Tâches de fond (workers Celery)"), CeleryWorkers),
    "storage": (_("Stockage des fichiers"), Storage),
}


def run_checks() -> dict[str, dict[str, Any]]:
    """Each component's verdict: its French label, ok or not, and the error (for staff only)."""
    results = {}
    for name, (label, factory) in COMPONENTS.items():
        check = factory()
        try:
            check.run_check()
        except Exception as exc:  # noqa: BLE001 - a check that breaks says its component is down
            check.errors.append(ServiceUnavailable(repr(exc)))
        problem = "; ".join(str(e) for e in check.errors) or None
        if problem:
            logger.warning("health: %s down: %s", name, problem)
        results[name] = {"label": str(label), "ok": not check.errors, "error": problem}
    return results


def may_see_details(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    token = settings.HEALTH_CHECK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    healthy = all(result["ok"] for result in results.values())
    status = "ok" if healthy else "dégradé"
    code = 200 if healthy else 503
    components = results if may_see_details(request) else None
    if "application/json" in request.headers.get("Accept", ""):
        body: dict[str, Any] = {"status": status}
        if components is not None:
            body["components"] = components
        return JsonResponse(body, status=code, json_dumps_params={"ensure_ascii": False})
    context = {"healthy": healthy, "status": status, "components": components}
    return render(request, "core/health.html", context, status=code)
