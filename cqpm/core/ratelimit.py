"""Fixed-window rate limits in the shared cache, per address and per account.

Counters live in the default cache (Redis in production, shared by every web process). When the
cache is unreachable the limit fails open and logs a warning: a cache outage must not turn the
public verification page or a login into an error page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .clientip import client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    amount: int
    window: int  # seconds


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text: str) -> Rate:
    """ "600/min", "3/m", "10/h"… (the settings' spelling, as DRF's) as a Rate; ValueError else."""
    amount, _slash, period = text.partition("/")
    seconds = _PERIODS.get(period.strip()[:1].lower())
    if not amount.strip().isdigit() or seconds is None:
        raise ValueError(f"Not a rate: {text!r} (expected e.g. '600/min').")
    return Rate(amount=int(amount), window=seconds)


def _cache_key(scope: str, per: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"cqpm:rl:{scope}:{per}:{digest}"


def hit(scope: str, per: str, value: str, rate: Rate) -> bool:
    """Count one request for (`scope`, `per`, `value`); True when it goes over `rate`."""
    key = _cache_key(scope, per, value)
    try:
        cache.add(key, 0, rate.window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, rate.window)
            count = 1
    except Exception as error:  # noqa: BLE001 - any cache outage: fail open, loudly
        logger.warning("rate limit %s not applied, cache unavailable: %r", scope, error)
        return False
    return count > rate.amount


def too_many_requests(
    request: HttpRequest, *, retry_after: int, message: str | Promise = ""
) -> HttpResponse:
    """The French 429 page, in the site's frame."""
    response = render(
        request,
        "429.html",
        {"message": message or _("Trop de tentatives : réessayez dans quelques minutes.")},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit(
    scope: str,
    *,
    per_address: Rate,
    per_account: Rate | None = None,
    account: Callable[..., str | None] | None = None,
    message: str | Promise = "",  # may be lazy: rendered in the language of the request
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view: each request counts against the client address and, when `account`
    names one from the view's arguments, against that account; over either limit, a 429."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            over = hit(scope, "ip", client_ip(request), per_address)
            name = account(request, *args, **kwargs) if account is not None else None
            if per_account is not None and name:
                over = hit(scope, "account", name, per_account) or over
            if over:
                window = max(per_address.window, per_account.window if per_account else 0)
                return too_many_requests(request, retry_after=window, message=message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
