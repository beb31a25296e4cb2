"""A candidate of centre A invited to their space, during evaluations, and a closed jury whose
certificate (with its credential) they take away."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from candidates.models import Campaign
from portal.services import candidate_invite

from ..documents.conftest import _private_broker, jury  # noqa: F401 - shared fixtures
from ..factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def running(centre_a, tutor):
    today = timezone.localdate()
    campaign = CampaignFactory(
        centre=centre_a,
        name="Campagne en cours",
        status=Campaign.Status.IN_PROGRESS,
        registration_opens=today - datetime.timedelta(days=60),
        registration_closes=today - datetime.timedelta(days=30),
        report_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=10),
        commission_starts=today + datetime.timedelta(days=20),
        commission_ends=today + datetime.timedelta(days=30),
        jury_date=today + datetime.timedelta(days=40),
    )
    person = CandidateFactory(email="lea.martin@exemple.fr", first_name="Léa", last_name="Martin")
    registration = RegistrationFactory(campaign=campaign, candidate=person, tutor=tutor)
    other = RegistrationFactory(campaign=campaign, candidate=CandidateFactory())
    return SimpleNamespace(campaign=campaign, registration=registration, other=other)


@pytest.fixture
def invited(running, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        candidate = candidate_invite(registration=running.registration, by=staff_a)
    mail.outbox.clear()
    running.user = candidate.account
    return running


@pytest.fixture
def candidate_client(client, invited):
    client.force_login(invited.user)
    return client
