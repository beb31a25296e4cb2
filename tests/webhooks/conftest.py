"""A real local HTTP receiver for the whole session, the development allowances (http://, loopback)
that production refuses, and an endpoint of centre A pointing at the receiver."""

import pytest

from webhooks import services
from webhooks.models import Event

from ..celery_support import private_broker, purge_queue, running_worker
from ..documents.conftest import jury  # noqa: F401 - the closed jury of centre A, shared
from .receiver import Receiver


@pytest.fixture(scope="session")
def _receiver_server():
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver(_receiver_server):
    _receiver_server.reset()
    yield _receiver_server
    _receiver_server.reset()


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory):
    """Messages sent by these tests never land in the project's var/celery folder."""
    with private_broker(tmp_path_factory.mktemp("webhooks-queue")):
        yield


@pytest.fixture(autouse=True)
def _development_allowances(settings):
    # The receiver listens on http://127.0.0.1: allowed in development, refused in production
    # (tests that check the refusal turn these off).
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def endpoint(centre_a, staff_a, receiver):
    return services.endpoint_create(
        centre=centre_a,
        url=receiver.url,
        description="Logiciel de formation",
        events=Event.values,
        by=staff_a,
    )


@pytest.fixture
def live_worker():
    """A real worker (solo pool) in a thread of this process, consuming the configured broker."""
    purge_queue()
    with running_worker() as worker:
        yield worker
