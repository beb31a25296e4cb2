"""Webhooks: endpoints registered by a centre's staff, deliveries created inside the transaction
of the change they report, sent after its commit by a Celery task, retried with back-off.

Nothing is sent for a change that rolls back (the deliveries roll back with it, and their sends
are queued on commit). A broker outage loses nothing: what was never queued, or was lost, is
sent again by `deliveries_requeue` (beat, every minute). An attempt is claimed with a conditional
UPDATE, so two copies of a message never send the same delivery twice at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import ExamCentre
from cqpm.core.access import ensure_centre_staff
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.queueing import enqueue_on_commit, task_named

from . import sending
from .addresses import check_url
from .models import PING, Attempt, Delivery, Endpoint, Event, new_secret
from .signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    canonical_body,
    signature_header,
)

Status = Delivery.Status
USER_AGENT = "CQPM-Webhooks/1"
DELIVER = "webhooks.tasks.deliver_webhook"  # named, not imported: webhooks.tasks imports us


# --- Endpoints -----------------------------------------------------------------------------


def _clean(*, url: str, description: str, events: Iterable[str]) -> dict[str, Any]:
    """The endpoint's fields, checked: a sendable address and at least one known event."""
    url = url.strip()
    if len(url) > Endpoint._meta.get_field("url").max_length:  # type: ignore[operator]
        raise DomainError(_("L'adresse est trop longue (500 caractères au plus)."), field="url")
    check_url(url)
    chosen = [code for code in Event.values if code in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError(_("Choisissez au moins un événement parmi la liste."), field="events")
    return {"url": url, "description": description.strip()[:200], "events": chosen}


def endpoint_create(
    *,
    centre: ExamCentre,
    url: str,
    events: Iterable[str],
    description: str = "",
    is_active: bool = True,
    by: User,
) -> Endpoint:
    """Register an endpoint of `centre` with a new signing secret; DomainError on a refused
    address (http or private in production), no event, or someone not staff of the centre."""
    ensure_centre_staff(by, centre.pk)
    fields = _clean(url=url, description=description, events=events)
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            centre=centre, is_active=is_active, created_by=by, **fields
        )
        audit_log(
            action="cqpm.webhooks.endpoint.created",
            obj=endpoint,
            by=by,
            data={"after": {**fields, "is_active": is_active}},
            centre_id=centre.pk,
        )
    return endpoint


def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str,
    events: Iterable[str],
    description: str = "",
    is_active: bool = True,
    by: User,
) -> Endpoint:
    """Change an endpoint's address, events or active flag (audited, before and after)."""
    ensure_centre_staff(by, endpoint.centre_id)
    fields = {**_clean(url=url, description=description, events=events), "is_active": is_active}
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        before = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, fields[name])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_log(
            action="cqpm.webhooks.endpoint.updated",
            obj=locked,
            by=by,
            data={"before": before, "after": {name: fields[name] for name in changed}},
            centre_id=locked.centre_id,
        )
    return locked


def endpoint_rotate_secret(*, endpoint: Endpoint, by: User) -> Endpoint:
    """Replace the signing secret at once (the old one stops verifying); audited, the secret
    itself never written to the log."""
    ensure_centre_staff(by, endpoint.centre_id)
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.secret, locked.secret_rotated_at = new_secret(), timezone.now()
        locked.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
        audit_log(
            action="cqpm.webhooks.endpoint.secret_rotated",
            obj=locked,
            by=by,
            centre_id=locked.centre_id,
        )
    return locked


def endpoint_ping(*, endpoint: Endpoint, by: User) -> Delivery:
    """Send a test delivery (event "ping") to an active endpoint; audited."""
    ensure_centre_staff(by, endpoint.centre_id)
    if not endpoint.is_active:
        raise DomainError(_("Activez ce point de réception avant de le tester."))
    with transaction.atomic():
        data = {"message": _("Test de connexion depuis CQPM."), "endpoint": {"id": endpoint.pk}}
        [delivery] = _create([endpoint], event=PING, datas=[data], occurred_at=timezone.now())
        audit_log(
            action="cqpm.webhooks.endpoint.pinged",
            obj=endpoint,
            by=by,
            data={"delivery": str(delivery.uid)},
            centre_id=endpoint.centre_id,
        )
    return delivery


# --- Deliveries: creation (inside the firing transaction) ---------------------------------


def deliveries_create(*, centre_id: int, event: str, datas: list[dict[str, Any]]) -> list[Delivery]:
    """One delivery per active endpoint of the centre subscribed to `event` and per `data`,
    written with one query to find the endpoints and bulk INSERTs, sent after the commit."""
    if not datas:
        return []
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(centre_id=centre_id, is_active=True).select_related(
            "centre"
        )
        if endpoint.subscribes_to(event)
    ]
    if not endpoints:
        return []
    return _create(endpoints, event=event, datas=datas, occurred_at=timezone.now())


def _create(
    endpoints: list[Endpoint],
    *,
    event: str,
    datas: list[dict[str, Any]],
    occurred_at: datetime.datetime,
) -> list[Delivery]:
    deliveries = []
    for endpoint in endpoints:
        for data in datas:
            delivery = Delivery(
                endpoint=endpoint,
                event=event,
                occurred_at=occurred_at,
                next_attempt_at=occurred_at,
                queued_at=occurred_at,
            )
            delivery.payload = _body(delivery, endpoint.centre, data)
            deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return deliveries


def _body(delivery: Delivery, centre: ExamCentre, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(delivery.uid),
        "event": delivery.event,
        "occurred_at": delivery.occurred_at.isoformat(),
        "centre": {"id": centre.pk, "code": centre.code, "name": centre.name},
        "data": data,
    }


def _enqueue(delivery_id: int) -> None:
    enqueue_on_commit(DELIVER, delivery_id, on_failure=partial(_mark_unsent, delivery_id))


def _mark_unsent(delivery_id: int) -> None:
    # After the commit, when the broker refused the message: the periodic requeue sends it.
    Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(queued_at=None)


# --- Deliveries: sending (in a worker) ----------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What an attempt came to; `retry_in` (seconds) when the task must try again later."""

    status: str
    retry_in: float | None = None


SKIPPED = Outcome(status="skipped")
# A retry message may run a little before the due time its delivery holds (clocks differ).
DUE_TOLERANCE = datetime.timedelta(seconds=2)


def retry_delay(round_attempts: int) -> float:
    """Exponential back-off: WEBHOOKS_RETRY_BASE, doubled after each failure, capped."""
    base, cap = settings.WEBHOOKS_RETRY_BASE, settings.WEBHOOKS_RETRY_MAX
    return float(min(base * 2 ** max(round_attempts - 1, 0), cap))


def delivery_attempt(*, delivery_id: int) -> Outcome:
    """Claim a due delivery, POST it signed, log the attempt, then mark it delivered, failed
    (its round's attempts exhausted, or its endpoint deactivated) or due again after back-off.

    SKIPPED when it is not pending, not due yet, or claimed by another worker."""
    claimed_at = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=claimed_at + DUE_TOLERANCE)
    claimed = Delivery.objects.filter(due, pk=delivery_id, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=claimed_at
    )
    if not claimed:
        return SKIPPED
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        answer = sending.Answer(
            status_code=None,
            duration_ms=0,
            error=_("Point de réception désactivé : l'envoi est abandonné."),
        )
        return _record(delivery, claimed_at, answer, final=True)
    body = canonical_body(delivery.payload)
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.uid),
        SIGNATURE_HEADER: signature_header(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    answer = sending.post(
        url=endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT
    )
    return _record(delivery, claimed_at, answer)


def _record(
    delivery: Delivery,
    claimed_at: datetime.datetime,
    answer: sending.Answer,
    *,
    final: bool = False,
) -> Outcome:
    """Log the attempt and move the delivery on, if our claim still holds."""
    now = timezone.now()
    round_attempts = delivery.round_attempts + 1
    retry_in = None
    if answer.succeeded:
        status, changes = Status.DELIVERED, {"delivered_at": now}
    elif final or round_attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        status, changes = Status.FAILED, {}
    else:
        retry_in = retry_delay(round_attempts)
        due = now + datetime.timedelta(seconds=retry_in)
        status, changes = Status.PENDING, {"next_attempt_at": due, "queued_at": now}
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery.pk, status=Status.SENDING, claimed_at=claimed_at
        ).update(
            status=status,
            attempts=delivery.attempts + 1,
            round_attempts=round_attempts,
            last_status_code=answer.status_code,
            last_error=answer.error,
            **changes,
        )
        if not updated:  # the requeue took it back as stale: its own attempt is under way
            return SKIPPED
        Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts + 1,
            started_at=claimed_at,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            succeeded=answer.succeeded,
            error=answer.error,
            response_excerpt=answer.excerpt,
        )
    return Outcome(status=status, retry_in=retry_in)


# --- Replay and healing --------------------------------------------------------------------


def delivery_replay(*, delivery: Delivery, by: User) -> Delivery:
    """Send a finished delivery again, same body and id, as a new round of attempts; audited.
    DomainError while it is still being sent, or when its endpoint is deactivated."""
    ensure_centre_staff(by, delivery.endpoint.centre_id)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if not locked.is_finished:
            raise DomainError(
                _("Cet envoi est déjà en cours ou programmé : attendez son résultat.")
            )
        if not locked.endpoint.is_active:
            raise DomainError(_("Activez ce point de réception avant de rejouer un envoi."))
        before = locked.status
        now = timezone.now()
        Delivery.objects.filter(pk=locked.pk).update(
            status=Status.PENDING,
            round_attempts=0,
            replays=locked.replays + 1,
            next_attempt_at=now,
            queued_at=now,
            claimed_at=None,
        )
        audit_log(
            action="cqpm.webhooks.delivery.replayed",
            obj=locked,
            by=by,
            data={"before": before, "after": Status.PENDING, "attempts": locked.attempts},
            centre_id=locked.endpoint.centre_id,
        )
        _enqueue(locked.pk)
    locked.refresh_from_db()
    return locked


REQUEUE_LIMIT = 1000  # per run; the next run takes the rest


def deliveries_requeue(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Send again what the queue lost: deliveries whose worker died during an attempt, never
    handed to the broker, or handed to it and never run. Safe to run twice; raises the broker's
    error if it is still down."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    lost = now - datetime.timedelta(seconds=settings.WEBHOOKS_REQUEUE_AFTER)
    healed = list(
        Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:REQUEUE_LIMIT]
    )
    Delivery.objects.filter(pk__in=healed, status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.PENDING, next_attempt_at=now, queued_at=None
    )
    waiting = Delivery.objects.filter(status=Status.PENDING).filter(
        Q(queued_at__isnull=True)
        | (Q(queued_at__lt=lost) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=lost)))
    )
    resent = []
    for delivery_id, queued_at in waiting.order_by("pk").values_list("pk", "queued_at")[
        :REQUEUE_LIMIT
    ]:
        task_named(DELIVER).apply_async((delivery_id,))
        Delivery.objects.filter(pk=delivery_id, status=Status.PENDING, queued_at=queued_at).update(
            queued_at=timezone.now()
        )
        resent.append(delivery_id)
    return {"healed": healed, "resent": resent}
