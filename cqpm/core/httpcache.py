"""HTTP caching and compression for public, anonymous responses (issue 22).

`@public_response` on a view whose answer is the same for everyone (no session, no CSRF token, no
personal data: the DID document, status lists, CASE endpoints): a strong `ETag` from the body's
SHA-256 when the view set none, `304 Not Modified` on a matching `If-None-Match`, and gzip when the
client accepts it. Compression is kept to these responses on purpose: a compressed page that
reflects a secret (the CSRF token of signed-in pages) beside text an attacker chooses leaks it
(BREACH), so no global GZipMiddleware. The view keeps its own `Cache-Control`."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.views.decorators.gzip import gzip_page


def public_response(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        if not response.has_header("ETag"):
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional or response

    return gzip_page(wrapper)
