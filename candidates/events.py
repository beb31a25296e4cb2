"""The events the candidates app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Campaign, Registration

# Emitted inside the transaction that creates registrations (one by one, or in bulk by an import,
# which audits each one): `registrations` may be an import's lazy list carrying `.ids`.
REGISTRATIONS_CREATED = "cqpm.campaign.registrations.created"
# Emitted inside the transaction that changes a campaign's calendar (its new dates). A reaction
# raises DomainError (with `field` set to the campaign date it conflicts with) when something
# that depends on the dates no longer fits, or recomputes what follows from them.
CAMPAIGN_CALENDAR_CHANGED = "cqpm.campaign.updated"
# Emitted inside the transaction that corrects a registration whose tutor changed (the
# registration's own « modifiée » entry records it): the company opinion follows its tutor.
REGISTRATION_TUTOR_CHANGED = "cqpm.registration.tutor_changed"


class RegistrationsCreated(TypedDict):
    campaign: Campaign
    registrations: Sequence[Registration]
    by: User | None


class RegistrationTutorChanged(TypedDict):
    registration: Registration
    before: User | None
    after: User | None
    by: User


class CampaignCalendarChanged(TypedDict):
    campaign: Campaign
    by: User | None


def declare() -> None:
    declare_event(
        REGISTRATIONS_CREATED,
        _("Inscriptions créées"),
        _("{actor} a inscrit des candidats dans la campagne {object}."),
        payload=RegistrationsCreated,
        webhook="registration.created",
        audited=False,
    )
    declare_event(
        CAMPAIGN_CALENDAR_CHANGED,
        _("Campagne modifiée"),
        _("{actor} a modifié le calendrier de la campagne {object}."),
        payload=CampaignCalendarChanged,
    )
    declare_event(
        REGISTRATION_TUTOR_CHANGED,
        _("Tuteur changé"),
        _("{actor} a changé le tuteur de l'inscription."),
        payload=RegistrationTutorChanged,
        audited=False,
    )
