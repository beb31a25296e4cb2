"""Deliveries: written with the change they report, signed, POSTed to a real local receiver,
retried with back-off until delivered or out of attempts, replayed by staff, healed by the
periodic requeue; nothing leaves for a change that rolls back."""

import datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.importing.database import CreatedRegistrations
from candidates.seams import REGISTRATIONS_CREATED
from cqpm.core.models import AuditEntry
from cqpm.core.registry import fire_hook
from webhooks import services
from webhooks.models import Delivery, Endpoint, Event
from webhooks.signing import canonical_body, verify
from webhooks.tasks import deliver_webhook

from ..celery_support import purge_queue
from ..factories.candidates import CampaignFactory, bulk_registrations
from .helpers import body_of, queued_messages, register, signed_correctly

pytestmark = pytest.mark.django_db
Status = Delivery.Status


def test_a_registration_is_delivered_signed_with_the_endpoint_secret(
    endpoint, receiver, staff_a, centre_a
):
    campaign = CampaignFactory(centre=centre_a)
    registration = register(campaign, by=staff_a)
    delivery = Delivery.objects.get()
    assert deliver_webhook.apply((delivery.pk,)).get() == Status.DELIVERED

    [request] = receiver.requests
    assert request.path == "/cqpm/hook"
    assert signed_correctly(request, endpoint.secret)
    assert not signed_correctly(request, "whsec_un-autre-secret")
    assert verify(
        secret=endpoint.secret, header=request.headers["X-CQPM-Signature"], body=request.body
    )
    assert not verify(
        secret=endpoint.secret,
        header=request.headers["X-CQPM-Signature"],
        body=request.body.replace(b"registration", b"registrations"),
    )
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-CQPM-Event"] == "registration.created"
    body = body_of(request)
    assert request.headers["X-CQPM-Delivery"] == body["id"] == str(delivery.uid)
    assert body["event"] == "registration.created"
    assert datetime.datetime.fromisoformat(body["occurred_at"]).tzinfo is not None
    assert body["centre"] == {"id": centre_a.pk, "code": "centre-a", "name": "UIMM Centre A"}
    api = f"{settings.SITE_URL}/api/v1"
    assert body["data"] == {
        "campaign": {"id": campaign.pk, "url": f"{api}/campaigns/{campaign.pk}/"},
        "registrations": [
            {"id": registration.pk, "url": f"{api}/registrations/{registration.pk}/"}
        ],
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        Status.DELIVERED,
        1,
        200,
    )
    [attempt] = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.succeeded) == (1, 200, True)
    assert attempt.response_excerpt == '{"ok": true}'


def test_a_failed_delivery_is_retried_with_back_off_then_delivered(
    endpoint, receiver, staff_a, time_machine, client_for
):
    time_machine.move_to(timezone.now(), tick=False)
    receiver.fail_next(2)
    delivery = services.endpoint_ping(endpoint=endpoint, by=staff_a)

    first = services.delivery_attempt(delivery_id=delivery.pk)
    assert (first.status, first.retry_in) == (Status.PENDING, settings.WEBHOOKS_RETRY_BASE)
    # Not due yet: a second message (a duplicate, or the requeue) sends nothing.
    assert services.delivery_attempt(delivery_id=delivery.pk) == services.SKIPPED
    assert len(receiver.requests) == 1
    page = client_for(staff_a).get(reverse("webhooks:centre", kwargs={"pk": endpoint.centre_id}))
    assert "Nouvelle tentative prévue" in page.content.decode()

    time_machine.shift(datetime.timedelta(seconds=first.retry_in))
    second = services.delivery_attempt(delivery_id=delivery.pk)
    assert (second.status, second.retry_in) == (Status.PENDING, 2 * first.retry_in)
    time_machine.shift(datetime.timedelta(seconds=second.retry_in))
    assert services.delivery_attempt(delivery_id=delivery.pk).status == Status.DELIVERED

    requests = receiver.requests
    assert len(requests) == 3
    assert {r.headers["X-CQPM-Delivery"] for r in requests} == {str(delivery.uid)}
    assert {r.body for r in requests} == {canonical_body(delivery.payload)}
    assert all(signed_correctly(r, endpoint.secret) for r in requests)
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert 0 < len(attempts[0].response_excerpt) <= 500  # the answer, truncated
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 3)


def test_back_off_doubles_up_to_its_cap():
    delays = [services.retry_delay(n) for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1800, 1800, 1800]


def test_it_gives_up_after_the_maximum_attempts(endpoint, receiver, staff_a, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.fail_next(10, status=503)
    delivery = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    outcomes = []
    for _ in range(4):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)  # due now
        outcomes.append(services.delivery_attempt(delivery_id=delivery.pk))
    assert [o.status for o in outcomes] == [
        Status.PENDING,
        Status.PENDING,
        Status.FAILED,
        "skipped",
    ]
    assert outcomes[2].retry_in is None
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == (Status.FAILED, 503)


def test_an_unreachable_endpoint_is_logged_in_french(endpoint, staff_a, receiver):
    Endpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/ferme")
    delivery = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    assert services.delivery_attempt(delivery_id=delivery.pk).status == Status.PENDING
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and attempt.error.startswith("Connexion")


def test_replay_sends_the_same_payload_again_as_a_new_attempt(
    endpoint, receiver, staff_a, client_for, django_capture_on_commit_callbacks
):
    delivery = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    services.delivery_attempt(delivery_id=delivery.pk)
    client = client_for(staff_a)
    url = reverse("webhooks:delivery_replay", kwargs={"pk": delivery.pk})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, follow=True)
    assert "L&#x27;envoi est rejoué" in response.content.decode()
    assert len(queued) == 1  # the send, after the commit
    delivery.refresh_from_db()
    assert (delivery.status, delivery.replays, delivery.round_attempts) == (Status.PENDING, 1, 0)
    entry = AuditEntry.objects.get(action="cqpm.webhooks.delivery.replayed")
    assert (entry.actor, entry.centre_id, entry.data["before"]) == (
        staff_a,
        endpoint.centre_id,
        Status.DELIVERED,
    )
    # While it is pending, a second replay is refused in French and changes nothing.
    again = client.post(url, follow=True).content.decode()
    assert "déjà en cours ou programmé" in again
    assert AuditEntry.objects.filter(action="cqpm.webhooks.delivery.replayed").count() == 1

    assert services.delivery_attempt(delivery_id=delivery.pk).status == Status.DELIVERED
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-CQPM-Delivery"] == second.headers["X-CQPM-Delivery"]
    assert [a.number for a in delivery.attempt_log.order_by("number")] == [1, 2]


def test_a_ping_reaches_the_receiver_from_the_page(
    endpoint, receiver, staff_a, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client_for(staff_a).post(reverse("webhooks:endpoint_ping", kwargs={"pk": endpoint.pk}))
    delivery = Delivery.objects.get(event="ping")
    services.delivery_attempt(delivery_id=delivery.pk)
    [request] = receiver.requests
    assert body_of(request)["event"] == "ping" and signed_correctly(request, endpoint.secret)
    assert AuditEntry.objects.filter(action="cqpm.webhooks.endpoint.pinged").count() == 1
    page = client_for(staff_a).get(reverse("webhooks:delivery_detail", kwargs={"pk": delivery.pk}))
    html = page.content.decode()
    assert "Remis</span>" in html and "Rejouer l'envoi" in html and "<td>200</td>" in html


def test_events_of_a_rolled_back_transaction_send_nothing(
    endpoint, receiver, staff_a, centre_a, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(centre=centre_a)
    purge_queue()
    with (
        django_capture_on_commit_callbacks(execute=True) as sent,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        register(campaign, by=staff_a)
        assert Delivery.objects.count() == 1  # written with the change...
        raise RuntimeError("the change fails after the hook")
    assert sent == []  # ...and nothing was queued for after the commit
    assert not Delivery.objects.exists()
    assert receiver.requests == [] and queued_messages() == 0
    # The same change committed does reach the broker (the check above can fail).
    with django_capture_on_commit_callbacks(execute=True):
        register(campaign, by=staff_a)
    assert queued_messages() == 1
    purge_queue()


def test_an_inactive_endpoint_or_an_event_not_chosen_gets_nothing(
    endpoint, staff_a, centre_a, receiver
):
    services.endpoint_update(
        endpoint=endpoint, url=endpoint.url, events=[Event.DOCUMENT_READY], by=staff_a
    )
    campaign = CampaignFactory(centre=centre_a)
    register(campaign, by=staff_a)
    services.endpoint_update(
        endpoint=endpoint, url=endpoint.url, events=Event.values, is_active=False, by=staff_a
    )
    register(campaign, by=staff_a, last_name="Martin")
    assert not Delivery.objects.exists()


def test_an_endpoint_deactivated_before_the_send_abandons_it(endpoint, staff_a, receiver):
    delivery = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    assert services.delivery_attempt(delivery_id=delivery.pk).status == Status.FAILED
    assert receiver.requests == []
    assert "désactivé" in delivery.attempt_log.get().error


def test_many_registrations_make_one_delivery_per_batch_in_constant_queries(
    endpoint, staff_a, centre_a, receiver
):
    services.endpoint_create(
        centre=centre_a, url=receiver.url + "/2", events=[Event.REGISTRATION_CREATED], by=staff_a
    )
    campaign = CampaignFactory(centre=centre_a)
    counts = {}
    for n, start in ((10, 0), (1000, 10)):
        created = CreatedRegistrations([r.pk for r in bulk_registrations(campaign, n, start=start)])
        Delivery.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            fire_hook(REGISTRATIONS_CREATED, campaign=campaign, registrations=created, by=staff_a)
        counts[n] = len(queries.captured_queries)
        deliveries = list(Delivery.objects.order_by("endpoint", "pk"))
        sizes = [len(d.payload["data"]["registrations"]) for d in deliveries]
        listed = sorted(r["id"] for d in deliveries for r in d.payload["data"]["registrations"])
        assert listed == sorted(created.ids * 2)  # every one, once per endpoint
        assert sizes == ([10, 10] if n == 10 else [500, 500, 500, 500])
    # The carry-over, the tutors named respondents (one INSERT … SELECT), the endpoints, then
    # one bulk INSERT of deliveries: the same for 10 and 1,000.
    assert counts[10] == counts[1000] <= 4


def test_the_requeue_sends_what_the_broker_never_got_or_lost(endpoint, staff_a):
    purge_queue()
    unsent = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    fresh = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    stuck = services.endpoint_ping(endpoint=endpoint, by=staff_a)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    # What a refused send leaves (queued_at None), and a worker killed during its attempt.
    Delivery.objects.filter(pk=unsent.pk).update(queued_at=None)
    Delivery.objects.filter(pk=stuck.pk).update(status=Status.SENDING, claimed_at=long_ago)

    result = services.deliveries_requeue()
    assert result == {"healed": [stuck.pk], "resent": sorted([unsent.pk, stuck.pk])}
    assert Delivery.objects.get(pk=stuck.pk).status == Status.PENDING
    assert Delivery.objects.get(pk=unsent.pk).queued_at is not None
    # Run twice: nothing more is sent, and the fresh one is left to its own message.
    assert services.deliveries_requeue() == {"healed": [], "resent": []}
    assert Delivery.objects.get(pk=fresh.pk).status == Status.PENDING
    purge_queue()
