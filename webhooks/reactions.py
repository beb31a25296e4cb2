"""How the webhooks app reacts to the other apps' lifecycle hooks: it writes the deliveries in the
firing transaction (they roll back with the change) and queues their sends on commit.

Handlers take the hook's payload by keyword and ignore what they do not use, so that a hook may
grow a field without breaking them.
"""

from __future__ import annotations

from typing import Any

from . import events, services
from .models import Event


def on_registrations_created(*, campaign, registrations, **_: Any) -> None:
    # An import passes its created ids without loading 10,000 rows: read them, not the rows.
    ids = getattr(registrations, "ids", None)
    if ids is None:
        ids = [registration.pk for registration in registrations]
    services.deliveries_create(
        centre_id=campaign.centre_id,
        event=Event.REGISTRATION_CREATED,
        datas=events.registrations_created(campaign_id=campaign.pk, registration_ids=list(ids)),
    )


def on_results_validated(*, registration, **_: Any) -> None:
    services.deliveries_create(
        centre_id=registration.campaign.centre_id,
        event=Event.RESULTS_RECORDED,
        datas=[events.results_recorded(registration=registration)],
    )


def on_decision_recorded(*, decision, **_: Any) -> None:
    services.deliveries_create(
        centre_id=decision.session.campaign.centre_id,
        event=Event.DECISION_RECORDED,
        datas=[events.decision_recorded(decision=decision)],
    )


def on_decision_amended(*, old, new, **_: Any) -> None:
    services.deliveries_create(
        centre_id=new.session.campaign.centre_id,
        event=Event.DECISION_AMENDED,
        datas=[events.decision_amended(old=old, new=new)],
    )


def on_document_ready(*, document, **_: Any) -> None:
    _document_event(document, Event.DOCUMENT_READY)


def on_document_revoked(*, document, **_: Any) -> None:
    _document_event(document, Event.DOCUMENT_REVOKED)


def _document_event(document, event: str) -> None:
    services.deliveries_create(
        centre_id=document.jury_session.campaign.centre_id,
        event=event,
        datas=[events.document(document=document)],
    )
