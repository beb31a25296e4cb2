"""One core for the dated sessions of a campaign: commission sessions (evaluations) and jury
sessions (deliberations) are planned, edited, moved and cancelled by the same rules, each kind
declaring only what differs (`SessionKind`).

What every kind shares, here once:
- the fields of a sitting (`cqpm.core.sessions.DatedSession`: date, hour, place, the reason of
  its cancellation);
- staff of the campaign's centre only, a place given, a French message and nothing written;
- the campaign's row locked and its status read afresh (`campaign_ensure_allows`), then the
  session's row locked, in that order, by every write;
- a session that has started (its day reached, at its hour when it has one; or what the kind
  says) is neither edited nor cancelled;
- the date checked by the kind's rule (the campaign's window, `ensure_within`), inside the
  lock; a session is not moved to a day already gone;
- the kind's audit codes (planned, changed, moved: `SessionAudit`) and, on a new date, hour or
  place, the kind's « dated » event (the documents app convokes again, after the commit);
- a cancellation with its reason: the kind releases its candidates (each audited), marks the
  session cancelled, and emits its « cancelled » event with those it released (the documents
  app tells those it had convoked, once, after the commit, through the one outbox).

The services live in the candidates app, which owns the campaign, its calendar and its
lifecycle (the shared core, cqpm.core, imports no domain app; it holds the abstract model).
Audit codes and events stay the kinds' own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqpm.core.access import ensure_centre_staff
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise
from cqpm.core.sessions import DatedSession

from .lifecycle import Activity, campaign_ensure_allows
from .models import Campaign

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from accounts.models import User


S = TypeVar("S", bound=DatedSession)


@dataclass(frozen=True)
class SessionMessages:
    """The French words a kind's refusals use (its noun and gender)."""

    place_missing: str | _StrPromise
    started_edit: str | _StrPromise
    started_cancel: str | _StrPromise
    frozen_date: str | _StrPromise  # the date no longer moves (reschedule)
    past_date: str | _StrPromise  # a new date already gone (edit, reschedule)


@dataclass(frozen=True)
class SessionAudit:
    """The audit codes of a kind's planning, edit and move (declared by its app)."""

    created: str
    updated: str
    rescheduled: str


@dataclass(frozen=True)
class SessionKind(Generic[S]):
    """What one kind of session declares; the rules above apply the same to all.

    - `activity`: the lifecycle activity whose campaign statuses allow planning it;
    - `audit`: the codes of its planning, edit and move (its cancellation's is written by
      `mark_cancelled`);
    - `dated_event` / `cancelled_event`: the codes of the events its changes emit (declared by
      its app), which `emit_dated(session, by)` and `emit_called_off(session, ids, reason, by)`
      emit (each app names its own events where it emits them);
    - `convocation`: the convocation kind its candidates receive (documents.Convocation.Kind);
    - `date_check(campaign, date, extra)`: raises DomainError (field "date") or returns the extra
      fields the date keeps with it (the commission's reason for an early date);
    - `lock(session, message)`: the session's row locked; refuses (`message` or its own) a
      session no longer planned;
    - `has_started(session)`: the clock, or more (an interview recorded, deliberation open);
    - `ensure_movable(session)`: what else keeps its date (reschedule), if anything;
    - `convened(session)`: the registrations convened to it (ids);
    - `release(session, reason, by)`: what a cancellation does to its candidates (each audited);
      returns the registration ids released;
    - `mark_cancelled(session, reason, by, released)`: the session marked cancelled, audited;
    - `dated_on_create`: its planning emits `dated_event` too (what follows it checks its order);
    - `clean`: run the model's checks before saving.
    """

    model: type[S]
    activity: Activity
    audit: SessionAudit
    dated_event: str
    cancelled_event: str
    convocation: str
    messages: SessionMessages
    date_check: Callable[[Campaign, datetime.date, Mapping[str, Any]], dict[str, Any]]
    lock: Callable[[S, str], S]
    has_started: Callable[[S], bool]
    convened: Callable[[S], list[int]]
    release: Callable[[S, str, User], list[int]]
    mark_cancelled: Callable[[S, str, User, list[int]], None]
    emit_dated: Callable[[S, User], None]
    emit_called_off: Callable[[S, list[int], str, User], None]
    ensure_movable: Callable[[S], None] | None = None
    dated_on_create: bool = True
    clean: bool = False


# --- Checks ---------------------------------------------------------------------------------


def fr_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_place(kind: SessionKind[Any], place: str | None) -> str:
    """The place, stripped; DomainError (field "place") when none is given."""
    place = (place or "").strip()
    if not place:
        raise DomainError(kind.messages.place_missing, field="place")
    return place


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de l'annulation."), field="reason")
    return reason


def ensure_within(
    date: datetime.date,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    too_early: str | _StrPromise = "",
    too_late: str | _StrPromise = "",
) -> None:
    """The campaign's window for a kind of session: DomainError on the field "date", with the
    kind's French words (`%(d)s`: the bound), when `date` falls before `first` or after `last`."""
    if first is not None and date < first:
        raise DomainError(str(too_early) % {"d": fr_date(first)}, field="date")
    if last is not None and date > last:
        raise DomainError(str(too_late) % {"d": fr_date(last)}, field="date")


def ensure_not_past(kind: SessionKind[Any], date: datetime.date) -> None:
    """A session is not moved to a day already gone (DomainError on the field "date")."""
    if date < timezone.localdate():
        raise DomainError(kind.messages.past_date, field="date")


def _locked_campaign(kind: SessionKind[Any], campaign_id: int) -> Campaign:
    """The campaign's row locked, its status allowing the kind's planning (read afresh)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    campaign_ensure_allows(campaign=campaign, activity=kind.activity)
    return campaign


def _lock_before_start(kind: SessionKind[S], session: S, message: str) -> S:
    locked = kind.lock(session, message)
    if kind.has_started(locked):
        raise DomainError(message, code="started")
    return locked


def _audit(action: str, session: DatedSession, by: User, data: dict[str, Any]) -> None:
    audit_log(
        action=action,
        obj=session,
        by=by,
        data=data,
        centre_id=session.campaign.centre_id,
    )


# --- Services -------------------------------------------------------------------------------


def session_schedule(
    kind: SessionKind[S],
    *,
    campaign: Campaign,
    date: datetime.date,
    place: str,
    by: User,
    start_time: datetime.time | None = None,
    date_extra: Mapping[str, Any] | None = None,
    populate: Callable[[S], dict[str, Any]],
) -> S:
    """Staff plan a session of the campaign, dated by the kind's rule; `populate(session)`
    seats who sits in it (the kind's rules) and returns the audit data of its creation."""
    ensure_centre_staff(by, campaign.centre_id)
    place = check_place(kind, place)
    with transaction.atomic():
        campaign = _locked_campaign(kind, campaign.pk)
        kept = kind.date_check(campaign, date, date_extra or {})
        session = kind.model(
            campaign=campaign, date=date, start_time=start_time, place=place, **kept
        )
        if kind.clean:
            full_clean_or_raise(session)
        session.save()
        data = populate(session)
        if kind.dated_on_create:
            kind.emit_dated(session, by)
        _audit(kind.audit.created, session, by, data)
    return session


def session_edit(
    kind: SessionKind[S],
    *,
    session: S,
    date: datetime.date,
    place: str,
    by: User,
    start_time: datetime.time | None = None,
    date_extra: Mapping[str, Any] | None = None,
) -> S:
    """Staff change the date, hour and place of a session that has not started, under the
    rules of its planning; those already convoked are convoked again (the dated event's
    reactions); audited before → after (only what changed); nothing when nothing changes."""
    ensure_centre_staff(by, session.campaign.centre_id)
    place = check_place(kind, place)
    with transaction.atomic():
        campaign = _locked_campaign(kind, session.campaign_id)
        locked = _lock_before_start(kind, session, str(kind.messages.started_edit))
        if date != locked.date:
            ensure_not_past(kind, date)
        kept = kind.date_check(campaign, date, date_extra or {})
        after: dict[str, Any] = {"date": date, "start_time": start_time, "place": place, **kept}
        before = {name: getattr(locked, name) for name in after}
        if before == after:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        if kind.clean:
            full_clean_or_raise(locked)
        locked.save(update_fields=[*after, "updated_at"])
        kind.emit_dated(locked, by)
        changed = [name for name in after if before[name] != after[name]]
        _audit(
            kind.audit.updated,
            locked,
            by,
            {
                "before": {name: before[name] for name in changed},
                "after": {name: after[name] for name in changed},
            },
        )
    return locked


def session_reschedule(
    kind: SessionKind[S],
    *,
    session: S,
    date: datetime.date,
    by: User,
    date_extra: Mapping[str, Any] | None = None,
) -> S:
    """Staff move a session to another day under the rules of its planning (its hour and place
    stay); those already convoked are convoked again; audited before → after."""
    ensure_centre_staff(by, session.campaign.centre_id)
    with transaction.atomic():
        campaign = _locked_campaign(kind, session.campaign_id)
        locked = kind.lock(session, str(kind.messages.frozen_date))
        if kind.ensure_movable is not None:
            kind.ensure_movable(locked)
        ensure_not_past(kind, date)
        kept = kind.date_check(campaign, date, date_extra or {})
        after: dict[str, Any] = {"date": date, **kept}
        before = {name: getattr(locked, name) for name in after}
        for name, value in after.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*after, "updated_at"])
        kind.emit_dated(locked, by)
        _audit(kind.audit.rescheduled, locked, by, {"before": before, "after": after})
    return locked


def session_cancel(kind: SessionKind[S], *, session: S, reason: str, by: User) -> int:
    """Staff cancel a session that has not started, with a reason: it stays, read-only; its
    candidates are released (each audited) to go before another one, and those convoked are
    told (the cancelled event's reactions, after the commit); returns how many were released."""
    ensure_centre_staff(by, session.campaign.centre_id)
    reason = check_reason(reason)
    with transaction.atomic():
        _locked_campaign(kind, session.campaign_id)
        locked = _lock_before_start(kind, session, str(kind.messages.started_cancel))
        convened = kind.convened(locked)
        released = kind.release(locked, reason, by)
        kind.mark_cancelled(locked, reason, by, released)
        kind.emit_called_off(locked, sorted(set(convened) | set(released)), reason, by)
    return len(released)
