"""What the webhook tests share: registering a person through the service, reading a request."""

import datetime
import hashlib
import hmac
import json

from candidates.services import PersonData, registration_create

BORN = datetime.date(1990, 3, 4)


def register(campaign, *, by, last_name="Dupont", first_name="Hélène"):
    person = PersonData(civility="Mme", last_name=last_name, first_name=first_name, birth_date=BORN)
    return registration_create(campaign=campaign, person=person, pathway="vae", by=by)


def signed_correctly(request, secret: str) -> bool:
    """The receiver's check, written apart from the code under test: HMAC-SHA256 of
    "<t>.<body>" with the secret equals v1."""
    fields = dict(part.split("=", 1) for part in request.headers["X-CQPM-Signature"].split(","))
    message = fields["t"].encode() + b"." + request.body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def body_of(request) -> dict:
    return json.loads(request.body)


def queued_messages() -> int:
    """Messages waiting in the default queue of the configured broker (folder or Redis)."""
    from cqpm.celery import app

    with app.connection_for_read() as conn:
        # Not passive: Redis knows no queue until a message lands in it.
        return conn.default_channel.queue_declare(app.conf.task_default_queue).message_count
