"""The events the transmissions app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event

if TYPE_CHECKING:
    from accounts.models import User

    from .models import PackSending

# Emitted inside the transaction that records a sending to the GTP: the branch's side checks
# what arrived.
PACK_SENT = "cqpm.transmissions.pack.sent"


class PackSent(TypedDict):
    sending: PackSending
    by: User | None


def declare() -> None:
    declare_event(
        PACK_SENT,
        _("Transmission envoyée au GTP"),
        _("{actor} a enregistré l'envoi au GTP du dossier {object}, le {sent_on} ({channel})."),
        payload=PackSent,
    )
