"""Campaigns: creation, edition and their status workflow."""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise, validation_text
from cqpm.core.registry import emit
from cqpm.core.workflow import transition
from referentials.models import Referential

from ..events import CAMPAIGN_CALENDAR_CHANGED, CampaignCalendarChanged
from ..lifecycle import Activity, campaign_ensure_allows
from ..models import Campaign, ExamCentre
from ..selectors import campaign_transition_readiness
from ._common import changes_between, ensure_staff_of

# One audit code per target status; before/after in the payload tell forwards from backwards.
# The moves whose readiness may ask for a recorded reason (candidates.selectors).
REASON_MAY_BE_REQUIRED = frozenset(
    {Campaign.Status.JURY, Campaign.Status.CLOSED, Campaign.Status.CANCELLED}
)

CAMPAIGN_TRANSITION_ACTIONS = {
    Campaign.Status.PLANNED: "cqpm.campaign.replanned",
    Campaign.Status.OPEN: "cqpm.campaign.opened",
    Campaign.Status.IN_PROGRESS: "cqpm.campaign.started",
    Campaign.Status.JURY: "cqpm.campaign.jury_started",
    Campaign.Status.CLOSED: "cqpm.campaign.closed",
    Campaign.Status.CANCELLED: "cqpm.campaign.cancelled",
}


@dataclass(frozen=True)
class CampaignData:
    name: str
    registration_opens: datetime.date
    registration_closes: datetime.date
    report_deadline: datetime.date
    opinion_deadline: datetime.date
    commission_starts: datetime.date
    commission_ends: datetime.date
    jury_date: datetime.date


def _ensure_published(referential: Referential) -> None:
    if referential.status != Referential.Status.PUBLISHED:
        raise DomainError(
            _("Le référentiel « %(ref)s » n'est pas publié : choisissez une version publiée.")
            % {"ref": referential}
        )


def campaign_create(
    *, centre: ExamCentre, referential: Referential, data: CampaignData, by: User
) -> Campaign:
    """Plan a campaign of a published referential with coherent dates; raises DomainError."""
    ensure_staff_of(by, centre.pk)
    _ensure_published(referential)
    with transaction.atomic():
        campaign = Campaign(centre=centre, referential=referential, **_stripped(data))
        full_clean_or_raise(campaign)
        campaign.save()
        audit_log(
            action="cqpm.campaign.created",
            obj=campaign,
            by=by,
            data={"after": {"referential": str(referential), **asdict(data)}},
            centre_id=centre.pk,
        )
    return campaign


def campaign_update(
    *, campaign: Campaign, referential: Referential, data: CampaignData, by: User
) -> Campaign:
    """Edit name, dates or (before any registration) referential until the jury ends; every
    session that depends on the calendar is checked again (CAMPAIGN_CALENDAR_CHANGED handlers);
    raises DomainError, with `field` set on the date that breaks the order."""
    ensure_staff_of(by, campaign.centre_id)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign_ensure_allows(campaign=locked, activity=Activity.CALENDAR)
        if referential.pk != locked.referential_id:
            _ensure_published(referential)
            if locked.registrations.exists():
                raise DomainError(
                    _("Le référentiel ne peut plus changer : la campagne a des inscrits.")
                )
        fields = _stripped(data)
        before = {name: getattr(locked, name) for name in fields}
        before["referential"] = str(locked.referential)
        locked.referential = referential
        for name, value in fields.items():
            setattr(locked, name, value)
        full_clean_or_raise(locked)
        locked.save()
        # Commission and jury sessions refuse a calendar they no longer fit, inside this
        # transaction: the change rolls back whole.
        emit(CAMPAIGN_CALENDAR_CHANGED, **CampaignCalendarChanged(campaign=locked, by=by))
        after = {**fields, "referential": str(referential)}
        audit_log(
            action="cqpm.campaign.updated",
            obj=locked,
            by=by,
            data=changes_between(before, after),
            centre_id=locked.centre_id,
        )
    return locked


def campaign_transition(*, campaign: Campaign, to: str, by: User, reason: str = "") -> Campaign:
    """Move the campaign along Campaign.TRANSITIONS (back to Planifiée only without
    registrations); a cancellation, the jury with candidates not evaluated and closing with
    candidates undecided need a `reason` (audited); raises DomainError (InvalidTransition)."""
    ensure_staff_of(by, campaign.centre_id)
    if to not in CAMPAIGN_TRANSITION_ACTIONS:
        raise DomainError(_("Statut de campagne inconnu."))
    reason = reason.strip()
    if not reason and to in REASON_MAY_BE_REQUIRED:
        readiness = campaign_transition_readiness(campaign=campaign, to=to)
        if readiness.reason_required and not readiness.refused:
            raise DomainError(
                _("%(label)s : indiquez-le, il est enregistré dans l'historique.")
                % {"label": readiness.reason_label},
                code="reason_required",
            )
    try:
        with transaction.atomic():
            # Locked first, as registration_create does: the two are serialised.
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            if to == Campaign.Status.PLANNED and campaign.registrations.exists():
                raise DomainError(
                    _(
                        "La campagne « %(name)s » a des inscrits : elle ne peut plus revenir à "
                        "l'état « Planifiée »."
                    )
                    % {"name": campaign.name}
                )
            return transition(
                campaign,
                to=to,
                by=by,
                action=CAMPAIGN_TRANSITION_ACTIONS[Campaign.Status(to)],
                allowed=Campaign.TRANSITIONS,
                data={"reason": reason} if reason else None,
                centre_id=campaign.centre_id,
            )
    except ValidationError as exc:
        raise DomainError(validation_text(exc)) from exc


def _stripped(data: CampaignData) -> dict[str, Any]:
    fields = asdict(data)
    fields["name"] = fields["name"].strip()
    return fields
