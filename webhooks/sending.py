"""One HTTP POST of a delivery, with a timeout, no redirect followed, no proxy, and a bounded read
of the answer. Pure I/O: it records nothing (services.py does)."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError

from .addresses import Target, check_url

EXCERPT_BYTES = 1024  # read at most this much of an answer
EXCERPT_CHARS = 500  # and keep this much of it
ERROR_CHARS = 500


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        # 2xx only: a redirect is not followed, so it is not a delivery.
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to `url` (checked again first); never raises for a network failure."""
    started = time.monotonic()
    try:
        target = check_url(url)
    except DomainError as refused:
        return Answer(status_code=None, duration_ms=0, error=refused.message)
    connection = _connection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(EXCERPT_BYTES)
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        return Answer(response.status, _elapsed(started), excerpt=excerpt)
    except TimeoutError:
        error = _("Délai d'attente dépassé (%(s)s s).") % {"s": f"{timeout:g}"}
    except ssl.SSLError as exc:
        error = _("Erreur TLS : %(error)s") % {"error": exc}
    except ConnectionRefusedError:
        error = _("Connexion refusée par le serveur.")
    except (OSError, http.client.HTTPException) as exc:
        error = _("Connexion impossible : %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        connection.close()
    return Answer(status_code=None, duration_ms=_elapsed(started), error=error[:ERROR_CHARS])


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    if target.address is not None:
        # Connect to the address that was checked, not to a fresh resolution of the name; TLS
        # still verifies the certificate against the name (server_hostname is the host).
        address = target.address

        def pinned(where, timeout=None, source_address=None):
            return socket.create_connection((address, where[1]), timeout, source_address)

        connection._create_connection = pinned  # type: ignore[attr-defined]
    return connection


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
