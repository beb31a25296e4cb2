"""List endpoints cost the same number of queries at 10 rows as at 1,000 (a page is 100)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberations.models import Decision, JuryCandidate, JurySession
from documents.models import Document
from tests.factories.candidates import CampaignFactory, CompanyFactory, bulk_registrations

pytestmark = pytest.mark.django_db

CEILING = 12  # a list that loops over its rows fails even at 10


def _count(api, url) -> int:
    api.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        answer = api.get(url)
    assert answer.status_code == 200
    assert answer.json()["results"]
    return len(ctx)


def _grow(campaign, session, president, start, n, tutor):
    for offset in range(0, n, 100):
        size = min(100, n - offset)
        made = bulk_registrations(
            campaign, size, start=start + offset, company=CompanyFactory(), tutor=tutor
        )
        JuryCandidate.objects.bulk_create(
            JuryCandidate(session=session, registration=r) for r in made
        )
        decisions = Decision.objects.bulk_create(
            Decision(
                session=session,
                registration=r,
                outcome="admissible",
                proposed="admissible",
                recorded_by=president,
            )
            for r in made
        )
        Document.objects.bulk_create(
            Document(
                kind=Document.Kind.CERTIFICATE,
                registration=d.registration,
                jury_session=session,
                decision=d,
                status=Document.Status.QUEUED,
            )
            for d in decisions
        )


URLS = [
    "/api/v1/registrations/",
    "/api/v1/registrations/?stage=registered&updated_since=2020-01-01",
    "/api/v1/candidates/",
    "/api/v1/campaigns/",
    "/api/v1/decisions/",
    "/api/v1/documents/",
    "/api/v1/referentials/",
]


def test_lists_keep_their_query_count_from_10_to_1000_rows(centre_a, staff_a, tutor, api_for):
    # One data set grown once for every list: 1,000 rows take a few seconds to write.
    campaign = CampaignFactory(centre=centre_a)
    session = JurySession.objects.create(campaign=campaign, date=campaign.jury_date, place="Salle")
    api = api_for(staff_a)
    _grow(campaign, session, staff_a, 0, 10, tutor)
    small = {url: _count(api, url) for url in URLS}
    _grow(campaign, session, staff_a, 10, 990, tutor)
    for _ in range(3):
        CampaignFactory(centre=centre_a)
    large = {url: _count(api, url) for url in URLS}
    assert small == large, (small, large)
    assert max(large.values()) <= CEILING, large
