"""A campaign of centre A whose jury (15/05/2027) deliberates on one admissible and one failing
candidate and closes through the services, so the transmission pack opens as in production."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from candidates.models import Campaign
from deliberations.models import JurySession
from deliberations.services import jury_decision_record, jury_session_close
from documents.models import Document
from documents.services import document_generate
from transmissions.models import TransmissionPack

from ..celery_support import private_broker, purge_queue, running_worker
from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import jury, results

JURY_DATE = datetime.date(2027, 5, 15)
DUE = datetime.date(2027, 8, 15)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory):
    """Messages sent by these tests never land in the project's var/celery folder."""
    with private_broker(tmp_path_factory.mktemp("celery-queue")):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def deliberating(centre_a, staff_a, jury_president, jury_member):
    campaign = CampaignFactory(
        centre=centre_a, name="Campagne printemps 2027", status=Campaign.Status.JURY
    )
    alice = RegistrationFactory(
        campaign=campaign, candidate__last_name="Lefèvre", candidate__first_name="Éloïse"
    )
    bob = RegistrationFactory(
        campaign=campaign, candidate__last_name="Quenderec", candidate__first_name="Hugo"
    )
    results(alice)
    results(bob, not_acquired={2})
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=JURY_DATE,
        registrations=[alice, bob],
    )
    for registration, outcome in ((alice, "admissible"), (bob, "not_admissible")):
        jury_decision_record(
            session=session,
            registration=registration,
            outcome=outcome,
            expected_decision_id=None,
            by=jury_member,
        )
    return SimpleNamespace(campaign=campaign, session=session, alice=alice, bob=bob)


def close(jury_session, president) -> TransmissionPack:
    jury_session_close(session=jury_session, by=president, today=jury_session.date)
    return TransmissionPack.objects.get(session=jury_session)


@pytest.fixture
def closed(deliberating, jury_president):
    deliberating.pack = close(deliberating.session, jury_president)
    return deliberating


def generate_all(session) -> None:
    """What the workers do: render every document of the session still waiting."""
    pending = Document.objects.filter(
        jury_session=session, status=Document.Status.QUEUED
    ).values_list("pk", flat=True)
    for document_id in list(pending):
        document_generate(document_id=document_id)


@pytest.fixture
def live_worker():
    """A real worker (solo pool) in a thread of this process, consuming the configured broker."""
    purge_queue()
    with running_worker() as worker:
        yield worker
