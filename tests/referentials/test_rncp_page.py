"""The page of a referential's RNCP facts (code, end, blocks' codes): for the branch and the
administrators (`referential.rncp`), on a published version too, through the referentials'
validators and service: French errors and nothing written on bad input, audited otherwise."""

import datetime
import html

import pytest
from django.urls import reverse

from cqpm.core.models import AuditEntry
from tests.factories.referentials import referential_with_capacities, with_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return with_blocks(referential_with_capacities(2), {"B1": [1], "B2": [2]}, rncp=False)


def _form(published, **fields):
    b1, b2 = published.blocks.order_by("position")
    data = {
        "registered": "on",
        "code": "rncp 35231",
        "registration_end": "2030-12-31",
        f"bloc_{b1.pk}": "RNCP35231BC01",
        f"bloc_{b2.pk}": "rncp35231bc02",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_branch_records_the_rncp_facts_of_a_published_version(published, branch, client_for):
    client = client_for(branch)
    detail = client.get(reverse("referentials:detail", args=[published.pk]))
    url = reverse("referentials:rncp", args=[published.pk])
    assert url in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Code RNCP du bloc B1" in html.unescape(page.content.decode())
    response = client.post(url, _form(published))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.rncp_registered and published.rncp_code == "RNCP35231"
    assert published.rncp_registration_end == datetime.date(2030, 12, 31)
    assert list(published.blocks.order_by("position").values_list("rncp_code", flat=True)) == [
        "RNCP35231BC01",
        "RNCP35231BC02",
    ]
    entry = AuditEntry.objects.get(action="cqpm.referentials.referential.rncp_updated")
    assert entry.actor == branch
    assert entry.data["after"]["blocks"] == {"B1": "RNCP35231BC01", "B2": "RNCP35231BC02"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "RNCP-35231"}, "« RNCP » suivi de chiffres"),
        ({"code": "RNCP35231\x00"}, "caractère nul"),
        ({"bloc": "BC01"}, "RNCP35231BC01 (code RNCP, « BC », numéro)"),
        ({"bloc": "RNCP35231BC01😀"}, "RNCP35231BC01 (code RNCP, « BC », numéro)"),
        ({"registered": None}, "suppose un CQPM inscrit"),
        ({"registration_end": "31/31/2030"}, "Saisissez une date valide"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(
    published, branch, client_for, fields, message
):
    if "bloc" in fields:
        fields = {f"bloc_{published.blocks.order_by('position').first().pk}": fields["bloc"]}
    response = client_for(branch).post(
        reverse("referentials:rncp", args=[published.pk]), _form(published, **fields)
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    published.refresh_from_db()
    assert not published.rncp_registered and published.rncp_code == ""
    assert set(published.blocks.values_list("rncp_code", flat=True)) == {""}
    assert not AuditEntry.objects.filter(action__endswith="rncp_updated").exists()


def test_the_centre_staff_do_not_reach_it(published, staff_a, client_for):
    url = reverse("referentials:rncp", args=[published.pk])
    assert client_for(staff_a).get(url).status_code == 404
    assert client_for(staff_a).post(url, _form(published)).status_code == 404
    detail = client_for(staff_a).get(reverse("referentials:detail", args=[published.pk]))
    assert url not in detail.content.decode()
    published.refresh_from_db()
    assert published.rncp_code == ""
