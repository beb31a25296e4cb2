"""Which addresses a webhook may be sent to: https only, and never the server's own networks.

An endpoint's address is checked when staff register it and again before every attempt (its
name may point elsewhere since). In production, http:// is refused and the host's addresses
must all be public: a webhook must not become a way to reach the services behind the server
(SSRF). The request then goes to the very address that was checked (see sending.py), so a name
that changes between the check and the connection cannot slip a private address in.
WEBHOOKS_ALLOW_HTTP and WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lift these rules in development and tests.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    # The checked IP address to connect to; None when private addresses are allowed.
    address: str | None


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="url")


def check_url(url: str) -> Target:
    """The parsed target of `url`, or DomainError (French, on the `url` field)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise _refuse(_("L'adresse doit commencer par https://."))
    if parts.scheme == "http" and not settings.WEBHOOKS_ALLOW_HTTP:
        raise _refuse(
            _(
                "Les webhooks ne sont envoyés qu'en HTTPS, pour que personne ne puisse les lire "
                "ni les modifier en chemin : l'adresse doit commencer par https://."
            )
        )
    if parts.username or parts.password:
        raise _refuse(_("L'adresse ne doit pas contenir d'identifiant ni de mot de passe."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse(_("Le port de l'adresse est invalide.")) from None
    host = parts.hostname
    if not host:
        raise _refuse(_("L'adresse est incomplète : le nom du serveur manque."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    address = None if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES else _public_address(host, port)
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=address)


def _public_address(host: str, port: int) -> str:
    """The first address of `host`, once every one of them is checked to be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(_("Le serveur « %(host)s » est introuvable.") % {"host": host}) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not is_public(address):
            raise _refuse(
                _(
                    "L'adresse « %(host)s » mène à un réseau privé ou local (%(address)s) : "
                    "les webhooks ne sont envoyés qu'à des serveurs publics."
                )
                % {"host": host, "address": address}
            )
    if not addresses:
        raise _refuse(_("Le serveur « %(host)s » est introuvable.") % {"host": host})
    return addresses[0]


def is_public(address: str) -> bool:
    """Whether an IP address is on the public Internet (not private, loopback, link-local,
    reserved, multicast or unspecified; an IPv4 mapped in IPv6 is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
