"""The reviewer's queue forgives: « helene dupre » finds « Hélène Dupré », a stage filter keeps
those registrations, pagination keeps the filters, unknown values are ignored (never a 500), and
the page costs the same queries with 10 dossiers as with 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Registration
from evaluations.models import EvaluationDossier
from tests.factories.candidates import CandidateFactory, RegistrationFactory, bulk_registrations
from tests.factories.evaluations import dossier_for

pytestmark = pytest.mark.django_db
Status = EvaluationDossier.Status
URL = "evaluations:review_queue"


@pytest.fixture
def queue(campaign_a, campaign_b):
    helene = RegistrationFactory(
        campaign=campaign_a,
        candidate=CandidateFactory(first_name="Hélène", last_name="Dupré"),
        stage=Registration.Stage.DOSSIER,
    )
    other = RegistrationFactory(
        campaign=campaign_b,
        candidate=CandidateFactory(first_name="Marc", last_name="Leroy"),
        stage=Registration.Stage.EVIDENCE,
    )
    return [dossier_for(r, status=Status.SUBMITTED) for r in (helene, other)]


def _names(response) -> str:
    return response.content.decode()


def test_search_without_accents_or_case_finds_the_candidate(client_for, reviewer, queue):
    helene, marc = (str(d.registration.candidate) for d in queue)
    page = _names(client_for(reviewer).get(reverse(URL), {"q": "HELENE dupre"}))
    assert helene in page and marc not in page
    assert 'value="HELENE dupre"' in page


def test_the_stage_filter_keeps_those_registrations_and_ignores_unknown_values(
    client_for, reviewer, queue
):
    helene, marc = (str(d.registration.candidate) for d in queue)
    client = client_for(reviewer)
    page = _names(client.get(reverse(URL), {"stage": "evidence"}))
    assert marc in page and helene not in page
    for params in ({"stage": "inconnue"}, {"q": "", "page": "x"}, {"q": "a\x00b"}):
        response = client.get(reverse(URL), params)
        assert response.status_code == 200
    assert helene in _names(client.get(reverse(URL), {"stage": "inconnue"}))


def test_pagination_keeps_the_filters(client_for, reviewer, campaign_a):
    registrations = bulk_registrations(campaign_a, 60, stage=Registration.Stage.DOSSIER)
    _submit(registrations)
    page = _names(client_for(reviewer).get(reverse(URL), {"q": "prenom", "stage": "dossier"}))
    assert "q=prenom&amp;stage=dossier&amp;page=2" in page


def _submit(registrations):
    when = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
    EvaluationDossier.objects.bulk_create(
        EvaluationDossier(registration=r, status=Status.SUBMITTED, submitted_at=when)
        for r in registrations
    )


@pytest.mark.parametrize("params", ["", "?q=Nom&stage=dossier"])
def test_the_query_count_is_the_same_at_10_and_1000_dossiers(
    client_for, reviewer, campaign_a, django_assert_num_queries, params
):
    _submit(bulk_registrations(campaign_a, 10, stage=Registration.Stage.DOSSIER))
    client = client_for(reviewer)
    url = reverse(URL) + params
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    count = len(small)
    assert 0 < count <= 20
    _submit(bulk_registrations(campaign_a, 990, start=10, stage=Registration.Stage.DOSSIER))
    client.get(url)
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.context["page"].paginator.count == 1000
    assert len(response.context["page"].object_list) == 50
