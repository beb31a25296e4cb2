"""The events the referentials app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event

if TYPE_CHECKING:
    from .models import Referential

# Emitted inside the publication's transaction, before a published version is archived under a
# new one. A reaction raises DomainError (in French) to keep the version, e.g. while campaigns
# that are not over use it.
VERSION_ARCHIVING = "cqpm.referentials.referential.archiving"


class VersionArchiving(TypedDict):
    referential: Referential  # the version about to be archived
    replaced_by: Referential


def declare() -> None:
    declare_event(
        VERSION_ARCHIVING,
        _("Version sur le point d'être archivée"),
        _("La version {object} va être remplacée par une nouvelle version publiée."),
        payload=VersionArchiving,
        audited=False,
    )
