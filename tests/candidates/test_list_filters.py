"""The candidates list filtered by what is missing (filters the later apps register), with
invalid values ignored, and the filters kept across pages."""

import re

import pytest
from django.urls import reverse

from candidates.models import Registration
from cqpm.core.registry import missing_filters
from tests.factories.candidates import RegistrationFactory, bulk_registrations
from tests.factories.deliberations import approved_dossier, results, submitted_opinion
from tests.factories.evaluations import dossier_for, report_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(campaign_a, staff_a, tutor):
    bare = RegistrationFactory(campaign=campaign_a, candidate__last_name="Sansrien")
    drafted = RegistrationFactory(campaign=campaign_a, candidate__last_name="Brouillon")
    dossier_for(drafted)
    approved = RegistrationFactory(campaign=campaign_a, candidate__last_name="Complet")
    approved_dossier(approved)
    report_for(approved, by=staff_a)
    submitted_opinion(approved, {1: "mastered"}, respondent=tutor)
    results(approved)
    gone = RegistrationFactory(
        campaign=campaign_a, candidate__last_name="Parti", stage=Registration.Stage.WITHDRAWN
    )
    return {"bare": bare, "drafted": drafted, "approved": approved, "gone": gone}


def _names(client, campaign, query) -> set[str]:
    url = reverse("candidates:registration_list", args=[campaign.pk])
    response = client.get(url + query)
    assert response.status_code == 200
    return {reg.candidate.last_name for reg in response.context["page"].object_list}


def test_the_later_apps_offer_their_missing_filters():
    assert [f.name for f in missing_filters()] == [
        "no_dossier",
        "dossier_not_approved",
        "report_missing",
        "opinion_awaited",
        "no_result",
        "no_decision",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?missing=no_dossier", {"Sansrien"}),
        ("?missing=dossier_not_approved", {"Sansrien", "Brouillon"}),
        ("?missing=report_missing", {"Sansrien", "Brouillon"}),
        ("?missing=opinion_awaited", {"Sansrien", "Brouillon"}),
        ("?missing=no_result", {"Sansrien", "Brouillon"}),
        ("?missing=no_decision", {"Sansrien", "Brouillon", "Complet"}),
        ("?missing=no_decision&q=COMPLET", {"Complet"}),
        ("?missing=no_dossier&missing=no_decision", {"Sansrien"}),
    ],
)
def test_it_filters_by_what_is_missing(client_for, staff_a, campaign_a, people, query, expected):
    assert _names(client_for(staff_a), campaign_a, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?missing=drop+table",
        "?stage=nowhere&sort=password&pathway=%00",
        "?q=" + "x" * 500,
        "?page=-1&missing=no_dossier&missing=",
    ],
)
def test_it_ignores_invalid_values(client_for, staff_a, campaign_a, people, query):
    names = _names(client_for(staff_a), campaign_a, query)
    assert names <= {"Sansrien", "Brouillon", "Complet", "Parti"}


def test_the_pages_keep_the_filters(client_for, staff_a, campaign_a):
    bulk_registrations(campaign_a, 60)
    url = reverse("candidates:registration_list", args=[campaign_a.pk])
    html = client_for(staff_a).get(url + "?missing=no_dossier&sort=-name").content.decode()
    assert "missing=no_dossier&amp;sort=-name&amp;page=2" in html
    checkbox = re.search(r'<input[^>]*value="no_dossier"[^>]*>', html).group(0)
    assert "checked" in checkbox
