"""The client's address: the one way in for rate limits, logs and allauth.

Behind a reverse proxy every request comes from the proxy's address, and X-Forwarded-For is
whatever the client and each proxy on the way appended. Only the proxies listed in
TRUSTED_PROXIES (addresses or CIDR networks) are believed: when REMOTE_ADDR is one of them, the
client is the right-most X-Forwarded-For address that is not itself a trusted proxy; otherwise
the header is ignored, since anyone can send it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(raw: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in raw if item)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES : adresse ou réseau invalide ({exc}) / invalid address or network"
        ) from exc


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(raw.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]
) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as far as trusted proxies vouch for it."""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR", "")) if networks else None
    if remote is None or not _is_trusted(remote, networks):
        return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104  # nosec B104 - not a bind
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for raw in reversed(hops):
        address = _address(raw)
        if address is None:
            break  # garbage in the chain: trust nothing further left
        if not _is_trusted(address, networks):
            return str(address)
    return str(remote)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request came through one of TRUSTED_PROXIES (its headers may be believed)."""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and _is_trusted(remote, networks)
