"""List pages run the same number of queries for 10 rows as for 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidate, Registration
from evaluations.models import CommissionAssignment, CompanyOpinion, EvaluationDossier
from tests.factories.evaluations import SessionFactory

pytestmark = pytest.mark.django_db
SUBMITTED = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
# Session, user, TOTP check and every app's navigation come on top of the page's own queries.
BOUND = 20


def _registrations(campaign, n: int, start: int) -> list[Registration]:
    candidates = Candidate.objects.bulk_create(
        Candidate(
            civility="Mme",
            last_name=f"Nom{start + i:05d}",
            first_name="Alice",
            birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=start + i),
        )
        for i in range(n)
    )
    return Registration.objects.bulk_create(
        Registration(
            campaign=campaign,
            candidate=c,
            pathway="continuing",
            registered_on=datetime.date(2026, 10, 1),
        )
        for c in candidates
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _same_for_10_and_1000(client, url, add_rows) -> int:
    add_rows(10, 0)
    small = _count(client, url)
    add_rows(990, 10)
    large = _count(client, url)
    assert small == large
    assert small <= BOUND
    return small


def test_it_keeps_the_reviewer_queue_constant(client_for, reviewer, campaign_a, campaign_b):
    def add(n, start):
        for campaign in (campaign_a, campaign_b):
            regs = _registrations(
                campaign, n // 2 or 1, start + (0 if campaign is campaign_a else 5000)
            )
            EvaluationDossier.objects.bulk_create(
                EvaluationDossier(registration=r, status="submitted", submitted_at=SUBMITTED)
                for r in regs
            )

    _same_for_10_and_1000(client_for(reviewer), reverse("evaluations:review_queue"), add)


def test_it_keeps_the_tutor_home_constant(client_for, tutor, campaign_a):
    def add(n, start):
        CompanyOpinion.objects.bulk_create(
            CompanyOpinion(registration=r, respondent=tutor, respondent_role="tutor")
            for r in _registrations(campaign_a, n, start)
        )

    _same_for_10_and_1000(client_for(tutor), reverse("evaluations:tutor_home"), add)


@pytest.mark.parametrize("filters", ["", "?statut=draft&q=nom"])
def test_it_keeps_the_campaign_dossiers_page_constant(client_for, staff_a, campaign_a, filters):
    def add(n, start):
        regs = _registrations(campaign_a, n, start)
        EvaluationDossier.objects.bulk_create(
            EvaluationDossier(registration=r, status="draft") for r in regs[::2]
        )

    url = reverse("evaluations:campaign_dossiers", args=[campaign_a.pk]) + filters
    _same_for_10_and_1000(client_for(staff_a), url, add)


@pytest.mark.parametrize("filters", ["", "?q=nom&tri=-name"])
def test_it_keeps_the_evaluator_home_constant(client_for, evaluator, campaign_a, filters):
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])

    def add(n, start):
        CommissionAssignment.objects.bulk_create(
            CommissionAssignment(session=session, registration=r)
            for r in _registrations(campaign_a, n, start)
        )

    url = reverse("evaluations:evaluator_home") + filters
    _same_for_10_and_1000(client_for(evaluator), url, add)
