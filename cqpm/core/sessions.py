"""The abstract model of a dated session of a campaign (a commission, a jury): what a sitting
holds whatever it judges. Its rules (planning, edit, move, cancel) are in candidates.sessions,
which owns the campaign; this module imports no domain app."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TimeStampedModel

if TYPE_CHECKING:
    from accounts.models import User
    from candidates.models import Campaign


class DatedSession(TimeStampedModel):
    """What a sitting of a campaign holds, whatever it judges: its day, hour and place, and the
    reason it was cancelled. The concrete model adds its `campaign` (its own related name) and
    its state."""

    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255)
    cancellation_reason = models.TextField(_("motif de l'annulation"), blank=True)

    if TYPE_CHECKING:
        campaign: Campaign
        campaign_id: int

    class Meta:
        abstract = True

    def clock_has_started(self, now: datetime.datetime | None = None) -> bool:
        """Its day has come (its hour too, when it has one)."""
        now = timezone.localtime(now)
        today = now.date()
        return self.date < today or (
            self.date == today and (self.start_time is None or self.start_time <= now.time())
        )


class SessionCalledOff(TypedDict):
    """The payload of a kind's « cancelled » event (each kind declares its own code)."""

    session: DatedSession
    registration_ids: list[int]  # the candidates it convened, now taken off it
    reason: str
    by: User | None
