"""The public, citable page of a centre's obtention rate for a CQPM over the last 12 months:
the same for everyone, cacheable, its small numbers suppressed."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories.candidates import CampaignFactory
from ..factories.deliberations import jury_person
from ..factories.stats import closed_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne publique", status="closed")


@pytest.fixture
def president(centre_a):
    return jury_person(centre_a, "employer", "president.public@exemple.fr")


def _url(campaign) -> str:
    code = campaign.referential.code.replace(" ", "-")
    return reverse("stats:public_rate", args=[campaign.centre.code, code])


def _figures(client, url) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    found = re.findall(r'id="(taux|effectif)">([^<]*)<', response.content.decode())
    return {key: html.unescape(value) for key, value in found}


def test_it_shows_the_rate_of_the_last_12_months_with_its_denominator(client, campaign, president):
    recent = timezone.localdate() - datetime.timedelta(days=30)
    closed_session(campaign, president=president, admissible=15, partial=5, absent=3, date=recent)
    old = timezone.localdate() - datetime.timedelta(days=400)
    closed_session(campaign, president=president, admissible=1, partial=30, date=old, start=100)
    assert _figures(client, _url(campaign)) == {"taux": "75,0 %", "effectif": "20"}


def test_small_numbers_are_not_published(client, campaign, president):
    recent = timezone.localdate() - datetime.timedelta(days=30)
    closed_session(campaign, president=president, admissible=2, partial=1, date=recent)
    assert _figures(client, _url(campaign)) == {
        "taux": "Non publié (effectif trop faible)",
        "effectif": "< 5",
    }
    # 18 presented, 3 not admitted: the rate with its denominator would give the 3 back.
    closed_session(campaign, president=president, admissible=13, partial=2, date=recent, start=50)
    assert _figures(client, _url(campaign)) == {
        "taux": "Non publié (effectif trop faible)",
        "effectif": "18",
    }


def test_it_is_public_and_cacheable(client, client_for, staff_b, campaign, president):
    recent = timezone.localdate() - datetime.timedelta(days=30)
    closed_session(campaign, president=president, admissible=10, partial=10, date=recent)
    url = _url(campaign)
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=3600"
    assert "csrf" not in first.content.decode().lower()
    # The same page whoever asks: the same validator, and a 304 for a cache that has it.
    assert client_for(staff_b).get(url)["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_unknown_centre_or_cqpm_answers_404(client, campaign):
    assert (
        client.get(reverse("stats:public_rate", args=["inconnu", "2015-04-54-0303"])).status_code
        == 404
    )
    assert (
        client.get(reverse("stats:public_rate", args=[campaign.centre.code, "0000"])).status_code
        == 404
    )


def test_staff_find_their_citable_pages_on_their_statistics(
    client_for, staff_a, campaign, president
):
    closed_session(campaign, president=president, admissible=10, partial=10)
    page = client_for(staff_a).get(reverse("stats:dashboard")).content.decode()
    assert _url(campaign) in page
