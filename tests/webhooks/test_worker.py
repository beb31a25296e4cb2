"""A real Celery worker (solo pool, in a thread) sends a delivery after the commit, retries it
with Celery's own countdown while the receiver answers 500, then delivers it.

Locally it consumes a private folder of kombu's filesystem transport; in CI, where
CELERY_BROKER_URL is redis://, it consumes Redis.
"""

import pytest

from webhooks.models import Delivery

from ..celery_support import wait_for
from ..factories.candidates import CampaignFactory
from .helpers import body_of, register, signed_correctly

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_retries_a_failed_delivery_then_delivers_it(
    live_worker, endpoint, receiver, staff_a, centre_a, settings
):
    settings.WEBHOOKS_RETRY_BASE = 0.2  # seconds: the real back-off, made short
    receiver.fail_next(2)
    registration = register(CampaignFactory(centre=centre_a), by=staff_a)  # queued on commit

    wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).exists())
    delivery = Delivery.objects.get()
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    requests = receiver.requests
    assert len(requests) == 3
    assert all(signed_correctly(r, endpoint.secret) for r in requests)
    assert {r.headers["X-CQPM-Delivery"] for r in requests} == {str(delivery.uid)}
    assert body_of(requests[-1])["data"]["registrations"][0]["id"] == registration.pk
