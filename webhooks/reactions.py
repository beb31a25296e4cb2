"""How the webhooks app reacts to the events declared with a webhook code: it writes the
deliveries in the emitting transaction (they roll back with the change) and queues their sends
on commit.

Each such event has its builder here, `build(**payload) -> (centre id, list of data)`; a
builder takes the payload by keyword and ignores what it does not use, so that an event may grow
a field without breaking it. The app refuses to start on a webhook event without a builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from candidates.events import REGISTRATIONS_CREATED
from cqpm.core.registry import EventType
from deliberations.events import DECISION_AMENDED, DECISION_RECORDED, RESULTS_VALIDATED
from documents.events import DOCUMENT_READY, DOCUMENT_REVOKED

from . import payloads, services

Built = tuple[int, list[dict]]


def _registrations_created(*, campaign, registrations, **_: Any) -> Built:
    # An import passes its created ids without loading 10,000 rows: read them, not the rows.
    ids = getattr(registrations, "ids", None)
    if ids is None:
        ids = [registration.pk for registration in registrations]
    datas = payloads.registrations_created(campaign_id=campaign.pk, registration_ids=list(ids))
    return campaign.centre_id, datas


def _results_validated(*, registration, **_: Any) -> Built:
    return registration.campaign.centre_id, [payloads.results_recorded(registration=registration)]


def _decision_recorded(*, decision, **_: Any) -> Built:
    return decision.session.campaign.centre_id, [payloads.decision_recorded(decision=decision)]


def _decision_amended(*, old, new, **_: Any) -> Built:
    return new.session.campaign.centre_id, [payloads.decision_amended(old=old, new=new)]


def _document(*, document, **_: Any) -> Built:
    return document.jury_session.campaign.centre_id, [payloads.document(document=document)]


BUILDERS: dict[str, Callable[..., Built]] = {
    REGISTRATIONS_CREATED: _registrations_created,
    RESULTS_VALIDATED: _results_validated,
    DECISION_RECORDED: _decision_recorded,
    DECISION_AMENDED: _decision_amended,
    DOCUMENT_READY: _document,
    DOCUMENT_REVOKED: _document,
}


def reaction_for(event: EventType) -> Callable[..., None]:
    """The reaction writing the deliveries of `event` to the centre's subscribed endpoints."""
    build = BUILDERS[event.code]

    def deliver(**payload: Any) -> None:
        centre_id, datas = build(**payload)
        services.deliveries_create(centre_id=centre_id, event=str(event.webhook), datas=datas)

    return deliver
