"""Fixtures of the API tests: a token per persona, and one scenario of centre A whose
registration went through every step (dossier to document), beside one of centre B."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_token_create
from deliberations.models import Decision, JurySession
from documents.models import Document
from evaluations.models import CommissionAssignment, EvaluationDossier, Interview
from evaluations.pdf import tiny_pdf
from tests.factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from tests.factories.deliberations import jury, results
from tests.factories.evaluations import OpinionFactory, SessionFactory, dossier_for, report_for


@pytest.fixture(autouse=True)
def _fresh_throttle_and_fast_hashing(settings):
    cache.clear()  # throttle counts live in the cache
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_for():
    """`api_for(user)`: an API client sending a new read-write token of `user`;
    `api_for(user, read_only=True)` a read-only one. `.token` is the secret."""

    def make(user, *, read_only: bool = False) -> APIClient:
        _row, secret = api_token_create(owner=user, name="tests", read_only=read_only, by=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.token = secret
        return client

    return make


@pytest.fixture
def scenario(
    centre_a, centre_b, staff_a, staff_b, reviewer, tutor, evaluator, jury_president, jury_member
):
    campaign = CampaignFactory(centre=centre_a, name="Campagne API A")
    registration = RegistrationFactory(campaign=campaign, tutor=tutor)
    other = RegistrationFactory(campaign=campaign, candidate=CandidateFactory())
    dossier_for(
        registration,
        status=EvaluationDossier.Status.APPROVED,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    report_for(registration, by=staff_a)
    OpinionFactory(registration=registration, respondent=tutor)
    commission = SessionFactory(campaign=campaign, evaluators=[evaluator])
    CommissionAssignment.objects.create(session=commission, registration=registration)
    interview = Interview.objects.create(
        registration=registration, date=datetime.date(2027, 4, 10), recorded_by=evaluator
    )
    interview.evaluators.set([evaluator])
    results(registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.CLOSED,
        registrations=[registration],
    )
    decision = Decision.objects.create(
        session=session,
        registration=registration,
        outcome=Decision.Outcome.ADMISSIBLE,
        proposed=Decision.Outcome.ADMISSIBLE,
        recorded_by=jury_president,
    )
    document = Document(
        kind=Document.Kind.CERTIFICATE,
        registration=registration,
        jury_session=session,
        decision=decision,
        status=Document.Status.READY,
    )
    document.file.save("attestation.pdf", ContentFile(tiny_pdf("Attestation")), save=False)
    document.save()
    campaign_b = CampaignFactory(centre=centre_b, name="Campagne API B")
    registration_b = RegistrationFactory(campaign=campaign_b)
    return SimpleNamespace(
        campaign=campaign,
        registration=registration,
        other=other,
        referential=campaign.referential,
        decision=decision,
        document=document,
        campaign_b=campaign_b,
        registration_b=registration_b,
    )
