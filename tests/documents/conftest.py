"""A closed jury of centre A with one admissible and one non-admissible candidate, and a real
Celery worker on a private broker folder (or on Redis when CELERY_BROKER_URL says so)."""

import time
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection

from candidates.models import Candidate
from cqpm.celery import app as celery_app
from deliberations.models import Decision
from documents.models import Document

from ..factories.candidates import CampaignFactory
from ..factories.documents import college_members, decide, jury_session


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory):
    """Messages sent by these tests never land in the project's var/celery folder."""
    if not celery_app.conf.broker_url.startswith("filesystem://"):
        yield
        return
    folder = tmp_path_factory.mktemp("celery-queue")
    previous = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    _reset_connections()
    yield
    celery_app.conf.broker_transport_options = previous
    _reset_connections()


def _reset_connections():
    # Producers and connections made before (with other transport options) are forgotten.
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def jury(centre_a, staff_a, jury_president, jury_member):
    campaign = CampaignFactory(centre=centre_a, name="Campagne printemps 2027")
    session = jury_session(
        campaign=campaign,
        members=college_members(president=jury_president, member=jury_member),
    )
    admissible = decide(
        session=session,
        outcome=Decision.Outcome.ADMISSIBLE,
        by=jury_president,
        last_name="Lefèvre",
        first_name="Éloïse",
        civility=Candidate.Civility.MADAME,
    )
    not_admissible = decide(
        session=session,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        by=jury_president,
        acquired=[1],
        last_name="Martin",
        first_name="Hugo",
        civility=Candidate.Civility.MONSIEUR,
    )
    return SimpleNamespace(
        campaign=campaign,
        session=session,
        admissible=admissible,
        not_admissible=not_admissible,
        alice=admissible.registration,
        bob=not_admissible.registration,
    )


@pytest.fixture
def live_worker():
    """A real worker (solo pool) in a thread of this process, consuming the configured broker."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping
    from celery.contrib.testing.worker import start_worker

    if _filesystem():
        _purge_folder()
    else:
        celery_app.control.purge()
    if connection.vendor == "sqlite":
        # The in-memory test database is shared with the worker's thread through SQLite's
        # shared cache, where a reader and a writer of the same table fail at once instead of
        # waiting: this thread only polls, so it reads without taking table locks.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    with start_worker(
        celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30
    ) as worker:
        yield worker


def _filesystem() -> bool:
    return celery_app.conf.broker_url.startswith("filesystem://")


def _purge_folder():
    from pathlib import Path

    folder = Path(celery_app.conf.broker_transport_options["data_folder_in"])
    for message in folder.glob("*.msg"):
        message.unlink(missing_ok=True)


def wait_for(predicate, *, timeout=60.0, step=0.2):
    """Poll the database until `predicate()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OperationalError:  # SQLite's shared cache: the worker holds the table
            pass
        time.sleep(step)
    raise AssertionError("the worker did not finish in time")


def all_finished(*ids) -> bool:
    statuses = Document.objects.filter(pk__in=ids).values_list("status", flat=True)
    return len(statuses) == len(ids) and all(
        s in (Document.Status.READY, Document.Status.FAILED) for s in statuses
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed at creation; these tests never log in with them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
