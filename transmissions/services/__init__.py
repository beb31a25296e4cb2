"""Writes of the transmission to the GTP and of capitalisation; every rule raises DomainError."""

from .capitalisation import expiry_notices_send
from .packs import (
    pack_build,
    pack_due_on,
    pack_open,
    pack_prepare,
    pack_rebuild,
    pack_record_sending,
    pack_sending_acknowledge,
    packs_build_pending,
)
from .reminders import pack_reminders_send

__all__ = [
    "expiry_notices_send",
    "pack_build",
    "pack_due_on",
    "pack_open",
    "pack_prepare",
    "pack_rebuild",
    "pack_record_sending",
    "pack_reminders_send",
    "pack_sending_acknowledge",
    "packs_build_pending",
]
