"""The statistics pages: who reaches them, what they count, what they hide, their downloads,
and their query counts (the same at 10 and at 1,000 decisions)."""

import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from candidates.models import Pathway
from stats.models import OutcomeCount

from ..factories.candidates import CampaignFactory, ExamCentreFactory
from ..factories.deliberations import jury_person
from ..factories.stats import closed_session

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("stats:dashboard")
EXPORT = reverse("stats:export")


@pytest.fixture
def president(centre_a):
    return jury_person(centre_a, "employer", "president.stats@exemple.fr")


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne statistique", status="closed")


def _cells(page: str, label: str) -> list[str]:
    """The cells of the table row headed `label`."""
    row = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", page, re.S)
    assert row, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(cell.strip()) for cell in cells]


def test_it_is_for_the_branch_and_the_centres_staff_only(
    client_for, branch, staff_a, outsider, tutor
):
    assert client_for(branch).get(DASHBOARD).status_code == 200
    assert client_for(staff_a).get(DASHBOARD).status_code == 200
    assert client_for(outsider).get(DASHBOARD).status_code == 404
    assert client_for(tutor).get(DASHBOARD).status_code == 404


def test_the_branch_counts_every_centre_and_staff_their_own(
    client_for, branch, staff_a, staff_b, centre_b, campaign, president
):
    closed_session(campaign, president=president, admissible=12, partial=6, absent=5)
    other = CampaignFactory(centre=centre_b, referential=campaign.referential, status="closed")
    closed_session(
        other,
        president=jury_person(centre_b, "employer", "p.b@exemple.fr"),
        admissible=20,
        partial=10,
        start=100,
    )
    page = client_for(branch).get(DASHBOARD).content.decode()
    # Centre B's 0 absent is hidden, so is centre A's 5: the total of 5 would give it back.
    assert _cells(page, "UIMM Centre A") == ["18", "12", "6", "< 5", "66,7 %"]
    assert _cells(page, "UIMM Centre B") == ["30", "20", "10", "< 5", "66,7 %"]
    assert _cells(page, "Total") == ["48", "32", "16", "5", "66,7 %"]
    own = client_for(staff_a).get(DASHBOARD + "?par=centre").content.decode()
    assert "UIMM Centre B" not in own
    assert _cells(own, "UIMM Centre A") == ["18", "12", "6", "5", "66,7 %"]
    # Staff cannot ask for another centre: the filter refuses it, nothing of B is shown.
    asked = client_for(staff_b).get(DASHBOARD, {"centre": campaign.centre_id, "par": "centre"})
    assert "UIMM Centre A" not in asked.content.decode()


def test_a_campaign_of_three_shows_no_count(client_for, branch, campaign, president):
    closed_session(campaign, president=president, admissible=2, partial=1)
    page = client_for(branch).get(DASHBOARD).content.decode()
    assert _cells(page, "UIMM Centre A") == ["< 5", "< 5", "< 5", "< 5", "< 5"]
    assert _cells(page, "Total") == ["< 5", "< 5", "< 5", "< 5", "< 5"]
    assert "66,7" not in page and ">2<" not in page and ">3<" not in page


def test_a_small_cell_beside_a_published_total_takes_a_second_one_with_it(
    client_for, branch, campaign, president
):
    # 30 presented, 3 partial: 30 - 27 would give the 3 back, so 27 is hidden too.
    closed_session(campaign, president=president, admissible=27, partial=3, absent=6)
    page = client_for(branch).get(DASHBOARD).content.decode()
    assert _cells(page, "UIMM Centre A") == ["30", "< 5", "< 5", "6", "< 5"]
    assert ">27<" not in page


def test_it_filters_by_period_cqpm_pathway_and_groups(client_for, branch, campaign, president):
    closed_session(
        campaign, president=president, admissible=6, partial=5, date=datetime.date(2026, 3, 1)
    )
    closed_session(
        campaign,
        president=president,
        admissible=10,
        partial=7,
        pathway=Pathway.VAE,
        date=datetime.date(2027, 3, 1),
        start=50,
    )
    client = client_for(branch)
    by_year = client.get(DASHBOARD, {"par": "year"}).content.decode()
    assert _cells(by_year, "2026")[:3] == ["11", "6", "5"]
    assert _cells(by_year, "2027")[:3] == ["17", "10", "7"]
    period = client.get(DASHBOARD, {"par": "year", "du": "2027-01-01"}).content.decode()
    assert "2026</th>" not in period
    vae = client.get(DASHBOARD, {"par": "pathway", "parcours": "vae"}).content.decode()
    assert _cells(vae, "VAE")[:3] == ["17", "10", "7"]
    assert "Formation continue</th>" not in vae
    code = campaign.referential.code
    assert _cells(client.get(DASHBOARD, {"par": "cqpm"}).content.decode(), "Total")[0] == "28"
    assert client.get(DASHBOARD, {"cqpm": "inconnu"}).status_code == 200  # refused, not a 500
    assert "Capacités professionnelles" in client.get(DASHBOARD, {"cqpm": code}).content.decode()


def test_a_bad_filter_is_refused_in_french_and_the_page_still_answers(client_for, branch):
    response = client_for(branch).get(DASHBOARD, {"du": "2027-05-01", "au": "2027-01-01"})
    assert response.status_code == 200
    assert "La période commence après sa fin." in response.content.decode()
    response = client_for(branch).get(DASHBOARD, {"du": "pas une date", "par": "rien"})
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()


def test_per_capacity_it_shows_the_share_acquired_and_the_disagreements(
    client_for, branch, campaign, president
):
    closed_session(campaign, president=president, admissible=14, partial=6, disagreements=7)
    page = client_for(branch).get(DASHBOARD, {"cqpm": campaign.referential.code}).content.decode()
    first = campaign.referential.capacities.get(number=1)
    second = campaign.referential.capacities.get(number=2)
    assert _cells(page, f"1. {first.title}") == ["20", "14", "6", "70,0 %", "7"]
    # Capacity 2: all 20 acquired, 0 not acquired (hidden), so 20 - 0 hides "acquired" too.
    assert _cells(page, f"2. {second.title}") == ["20", "< 5", "< 5", "< 5", "< 5"]


def test_its_charts_are_accessible_svg_without_inline_style(
    client_for, branch, campaign, president
):
    closed_session(campaign, president=president, admissible=12, partial=6)
    page = client_for(branch).get(DASHBOARD, {"cqpm": campaign.referential.code}).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 3  # outcomes, capacities, delays
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert "aria-labelledby=" in svg
        assert "style=" not in svg and "<script" not in svg
    assert "66,7 %" in svgs[0]


def test_it_downloads_each_table_as_shown_with_formulas_neutralised(
    client_for, branch, centre_a, campaign, president
):
    centre_a.name = '=HYPERLINK("http://x")'
    centre_a.save()
    closed_session(campaign, president=president, admissible=12, partial=2)
    client = client_for(branch)
    csv = client.get(EXPORT, {"tableau": "resultats"}).content.decode()
    assert "'=HYPERLINK" in csv
    assert "< 5" in csv and ";12;" not in csv  # 14 - 2 would give 12 back: hidden too
    response = client.get(EXPORT, {"tableau": "resultats", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values and 14 in values and "< 5" in values
    assert client.get(EXPORT, {"tableau": "inconnu"}).status_code == 404
    assert client.get(EXPORT, {"tableau": "resultats", "format": "pdf"}).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_its_query_count_is_the_same_at_10_and_1000_decisions(client_for, branch, president):
    client = client_for(branch)
    first = CampaignFactory(centre=president.centre_memberships.get().centre, status="closed")
    closed_session(first, president=president, admissible=6, partial=4)
    code = first.referential.code
    urls = [DASHBOARD, f"{DASHBOARD}?cqpm={code}", f"{DASHBOARD}?par=year"]
    small = [_queries(client, url) for url in urls]
    for n in range(9):
        centre = ExamCentreFactory()
        campaign = CampaignFactory(centre=centre, referential=first.referential, status="closed")
        closed_session(
            campaign,
            president=jury_person(centre, "employer"),
            admissible=70,
            partial=30,
            absent=10,
            start=1000 * (n + 1),
        )
    assert OutcomeCount.objects.count() > 10
    assert [_queries(client, url) for url in urls] == small
    assert small == [9, 10, 9]  # issue 22: no session write per page, memberships read once
