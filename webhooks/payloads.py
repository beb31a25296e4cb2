"""The `data` of each webhook event, built from the event's payload: ids and API addresses only.

Objects are named by id and by their address in the REST API (`{SITE_URL}/api/v1/<kind>/<id>/`),
where a partner reads the rest with its token: a webhook says *what changed*, not everything
about it, so that personal data travels only to someone allowed to read it.

Registrations created together (an import of 10,000 rows) make one delivery per endpoint for each
chunk of WEBHOOKS_BATCH_SIZE registrations, listing their ids, instead of one delivery per
registration: a partner gets a few dozen requests rather than 10,000, and the import writes the
deliveries with one bulk INSERT per endpoint batch. A single registration is a list of one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def ref(kind: str, pk: int | None) -> dict[str, Any] | None:
    """`{"id": 12, "url": "https://…/api/v1/registrations/12/"}`, or None without an id."""
    if pk is None:
        return None
    return {"id": pk, "url": f"{settings.SITE_URL}/api/v1/{kind}/{pk}/"}


def registrations_created(*, campaign_id: int, registration_ids: list[int]) -> list[dict]:
    """One `data` per chunk of WEBHOOKS_BATCH_SIZE registrations, in id order."""
    size = settings.WEBHOOKS_BATCH_SIZE
    ids = sorted(registration_ids)
    return [
        {
            "campaign": ref("campaigns", campaign_id),
            "registrations": [ref("registrations", pk) for pk in ids[start : start + size]],
        }
        for start in range(0, len(ids), size)
    ]


def results_recorded(*, registration) -> dict:
    return {
        "campaign": ref("campaigns", registration.campaign_id),
        "registration": ref("registrations", registration.pk),
    }


def decision_recorded(*, decision) -> dict:
    return {
        "campaign": ref("campaigns", decision.session.campaign_id),
        "registration": ref("registrations", decision.registration_id),
        "decision": ref("decisions", decision.pk),
        "outcome": decision.outcome,
    }


def decision_amended(*, old, new) -> dict:
    return {**decision_recorded(decision=new), "supersedes": ref("decisions", old.pk)}


def document(*, document) -> dict:
    return {
        "campaign": ref("campaigns", document.jury_session.campaign_id),
        "registration": ref("registrations", document.registration_id),
        "document": ref("documents", document.pk),
        "kind": document.kind,
        "version": document.version,
    }
