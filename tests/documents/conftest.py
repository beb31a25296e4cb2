"""A closed jury of centre A with one admissible and one non-admissible candidate, and a real
Celery worker on a private broker folder (or on Redis when CELERY_BROKER_URL says so)."""

from types import SimpleNamespace

import pytest

from candidates.models import Campaign, Candidate
from deliberations.models import Decision
from documents.models import Document

from ..celery_support import private_broker, purge_queue, running_worker
from ..factories.candidates import CampaignFactory
from ..factories.documents import college_members, decide, jury_session


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory):
    """Messages sent by these tests never land in the project's var/celery folder."""
    with private_broker(tmp_path_factory.mktemp("celery-queue")):
        yield


@pytest.fixture
def jury(centre_a, staff_a, jury_president, jury_member):
    # Documents are delivered at the jury (and after closing, for amendments).
    campaign = CampaignFactory(
        centre=centre_a, name="Campagne printemps 2027", status=Campaign.Status.JURY
    )
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
        last_name="Quenderec",
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
    purge_queue()
    with running_worker() as worker:
        yield worker


def all_finished(*ids) -> bool:
    statuses = Document.objects.filter(pk__in=ids).values_list("status", flat=True)
    return len(statuses) == len(ids) and all(
        s in (Document.Status.READY, Document.Status.FAILED) for s in statuses
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed at creation; these tests never log in with them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
