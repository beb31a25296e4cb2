"""The dashboard, the candidate list and the registration page cost the same number of queries
with 10 registrations as with 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Registration
from candidates.services import registration_set_stage
from tests.factories.candidates import CompanyFactory, bulk_registrations

pytestmark = pytest.mark.django_db

# A generous ceiling, so that a page that starts to loop over rows fails even at 10 (the
# registration page gathers a section from each app: the documents' is the latest).
CEILING = 22


def _count(client, url) -> int:
    client.get(url)  # warm-up: the first request of a session does extra bookkeeping
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _grow(campaign, start, n, tutor):
    # Several companies and a tutor on every other row, so that every join is exercised.
    for offset in range(0, n, 100):
        size = min(100, n - offset)
        bulk_registrations(
            campaign,
            size,
            start=start + offset,
            company=CompanyFactory(),
            tutor=tutor if offset % 200 == 0 else None,
            stage=Registration.STAGE_ORDER[(offset // 100) % 5],
        )


@pytest.mark.parametrize(
    "page",
    [
        "campaign_detail",
        "registration_list",
        "registration_list_filtered",
        "registration_list_missing",
        "registration_detail",
    ],
)
def test_it_keeps_the_query_count_flat_from_10_to_1000_registrations(
    client_for, staff_a, campaign_a, tutor, django_assert_num_queries, page
):
    _grow(campaign_a, 0, 10, tutor)
    first = Registration.objects.filter(campaign=campaign_a).order_by("pk").first()
    registration_set_stage(registration=first, stage="dossier", by=staff_a)
    registration_set_stage(registration=first, stage="evidence", by=staff_a)
    url = {
        "campaign_detail": reverse("candidates:campaign_detail", args=[campaign_a.pk]),
        "registration_list": reverse("candidates:registration_list", args=[campaign_a.pk]),
        "registration_list_filtered": reverse("candidates:registration_list", args=[campaign_a.pk])
        + "?q=Nom&stage=registered&stage=evidence&sort=-company",
        "registration_list_missing": reverse("candidates:registration_list", args=[campaign_a.pk])
        + "?missing=no_dossier&missing=opinion_awaited&missing=no_decision&sort=stage",
        "registration_detail": reverse("candidates:registration_detail", args=[first.pk]),
    }[page]
    client = client_for(staff_a)
    small = _count(client, url)
    assert small <= CEILING

    _grow(campaign_a, 10, 990, tutor)
    assert Registration.objects.filter(campaign=campaign_a).count() == 1000
    client.get(url)
    with django_assert_num_queries(small):
        response = client.get(url)
    if page == "registration_list":
        assert len(response.context["page"].object_list) == 50
