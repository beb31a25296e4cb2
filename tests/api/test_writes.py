"""Writes through the API go through the pages' services: one registration as the page makes
it, many at once through the file import's checks (all or none, errors by row); the lifecycle
refuses the same thing with the same French message; bad input never answers 500."""

import html

import pytest
from django.urls import reverse

from candidates.lifecycle import Activity, refusal_message
from candidates.models import Campaign, Registration
from cqpm.core.models import AuditEntry
from tests.factories.candidates import CampaignFactory, luhn_siret

pytestmark = pytest.mark.django_db

PERSON = {
    "civility": "Mme",
    "last_name": "Martin",
    "first_name": "Jeanne",
    "birth_date": "1991-02-03",
    "pathway": "vae",
}


def _row(n: int, **extra) -> dict:
    return {
        "civility": "M.",
        "last_name": f"Lenoir{n}",
        "first_name": "Paul",
        "birth_date": f"1985-03-{n + 1:02d}",
        "pathway": "continuing",
        **extra,
    }


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne ouverte")


def test_it_registers_one_person_like_the_page(campaign, api_for, staff_a):
    siret = luhn_siret("7300000000001")
    answer = api_for(staff_a).post(
        "/api/v1/registrations/",
        {**PERSON, "campaign": campaign.pk, "siret": siret, "company_name": "Forges"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    registration = Registration.objects.get(pk=body["id"])
    assert registration.campaign == campaign and registration.stage == "registered"
    assert body["candidate"]["last_name"] == "Martin" and body["company"]["siret"] == siret
    entry = AuditEntry.objects.get(action="cqpm.registration.created")
    assert entry.actor == staff_a and entry.registration_id == registration.pk
    # The same person twice is refused as on the page: a conflict, in French.
    again = api_for(staff_a).post(
        "/api/v1/registrations/", {**PERSON, "campaign": campaign.pk}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate" and "déjà inscrit" in again.json()["message"]


def test_a_campaign_at_the_jury_refuses_a_registration_as_the_page_does(
    centre_a, staff_a, api_for, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=Campaign.Status.JURY, name="Au jury")
    expected = refusal_message(campaign=campaign, activity=Activity.REGISTER)
    page = client_for(staff_a).post(
        reverse("candidates:registration_create", args=[campaign.pk]),
        {**PERSON, "registered_on": "2026-10-01"},
    )
    assert html.escape(expected) in page.content.decode()
    answer = api_for(staff_a).post(
        "/api/v1/registrations/", {**PERSON, "campaign": campaign.pk}, format="json"
    )
    assert answer.status_code == 409
    assert answer.json() == {"code": "campaign_status", "message": expected, "errors": []}
    bulk = api_for(staff_a).post(
        "/api/v1/registrations/bulk/",
        {"campaign": campaign.pk, "rows": [_row(1)]},
        format="json",
    )
    assert bulk.status_code == 409 and bulk.json()["message"] == expected
    assert not Registration.objects.exists()


def test_a_late_registration_needs_its_reason_on_the_field(centre_a, staff_a, api_for):
    campaign = CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)
    answer = api_for(staff_a).post(
        "/api/v1/registrations/", {**PERSON, "campaign": campaign.pk}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "late_reason"
    ok = api_for(staff_a).post(
        "/api/v1/registrations/",
        {**PERSON, "campaign": campaign.pk, "late_reason": "Embauche en janvier."},
        format="json",
    )
    assert ok.status_code == 201
    assert AuditEntry.objects.filter(action="cqpm.registration.created_late").exists()


def test_bulk_registers_every_row_through_the_import(campaign, api_for, staff_a):
    rows = [_row(n) for n in range(3)]
    answer = api_for(staff_a).post(
        "/api/v1/registrations/bulk/", {"campaign": campaign.pk, "rows": rows}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    ids = answer.json()["registrations"]
    assert answer.json()["count"] == 3
    assert set(campaign.registrations.values_list("pk", flat=True)) == set(ids)
    assert AuditEntry.objects.filter(action="cqpm.campaign.registrations.imported").count() == 1


def test_bulk_is_all_or_nothing_with_errors_by_row(campaign, api_for, staff_a):
    rows = [
        _row(0),
        _row(1, birth_date="1850-01-01"),
        _row(2, siret="12345678901234", company_name="Sans clé"),
        _row(3),
        _row(0),  # the first row again
    ]
    answer = api_for(staff_a).post(
        "/api/v1/registrations/bulk/", {"campaign": campaign.pk, "rows": rows}, format="json"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "import_refused" and "rien n'a été importé" in body["message"]
    located = {(error["row"], error["field"]) for error in body["errors"]}
    assert located == {
        (1, "rows[1].birth_date"),
        (2, "rows[2].siret"),
        (4, "rows[4].last_name"),
    }
    assert all(error["message"] for error in body["errors"])
    assert not Registration.objects.exists()


def test_bulk_checks_the_shape_of_each_row_first(campaign, api_for, staff_a):
    rows = [_row(0), {**_row(1), "birth_date": "31/12/1990", "pathway": "marche"}]
    answer = api_for(staff_a).post(
        "/api/v1/registrations/bulk/", {"campaign": campaign.pk, "rows": rows}, format="json"
    )
    assert answer.status_code == 400
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"rows[1].birth_date", "rows[1].pathway"}
    assert not Registration.objects.exists()


def test_bulk_line_breaks_stay_on_their_row(campaign, api_for, staff_a):
    rows = [_row(0), _row(1, first_name="Paul\nJean"), _row(2)]
    answer = api_for(staff_a).post(
        "/api/v1/registrations/bulk/", {"campaign": campaign.pk, "rows": rows}, format="json"
    )
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["rows[1].first_name"]


BAD_BODIES = [
    ("not json", "text"),
    ("{", "json"),
    ("[]", "json"),
    ('{"campaign": "x"}', "json"),
    ('{"campaign": 99999999999999999999999999}', "json"),
    ('{"campaign": -1}', "json"),
    ('{"campaign": 1.5, "civility": 3}', "json"),
    (
        '{"campaign": 987654, "civility": "Mme", "last_name": "A", "first_name": "B", '
        '"birth_date": "1990-01-01", "pathway": "vae"}',
        "json",
    ),
    ('{"campaign": 1, "birth_date": "1990-02-30"}', "json"),
    ('{"campaign": 1, "birth_date": "99999-01-01"}', "json"),
    ('{"campaign": 1, "last_name": "\\u0000"}', "json"),
    ('{"campaign": 1, "last_name": "\\ud800"}', "json"),
    ('{"campaign": 1, "last_name": ' + '"' + "x" * 5000 + '"}', "json"),
    ('{"rows": "many"}', "json"),
    ('{"rows": [1, null, "x"]}', "json"),
    ('{"campaign": 1, "rows": []}', "json"),
]


@pytest.mark.parametrize("url", ["/api/v1/registrations/", "/api/v1/registrations/bulk/"])
def test_bad_bodies_get_a_french_400_or_404_never_a_500(campaign, api_for, staff_a, url):
    api = api_for(staff_a)
    for body, kind in BAD_BODIES:
        content_type = "application/json" if kind == "json" else "text/plain"
        answer = api.generic("POST", url, body.encode(), content_type=content_type)
        assert answer.status_code in (400, 404, 415), (body[:60], answer.status_code)
        payload = answer.json()
        assert set(payload) == {"code", "message", "errors"} and payload["message"], body[:60]
    assert not Registration.objects.exists()


BAD_QUERIES = [
    "/api/v1/registrations/?updated_since=hier",
    "/api/v1/registrations/?updated_since=2025-13-01",
    "/api/v1/registrations/?updated_since=0001-01-01T00:00:00%2B14:00",
    "/api/v1/registrations/?stage=nowhere",
    "/api/v1/registrations/?campaign=abc",
    "/api/v1/registrations/?campaign=99999999999999999999999",
    "/api/v1/registrations/?cursor=cD1hYmM%3D",
    "/api/v1/registrations/?cursor=cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk%3D",
    "/api/v1/registrations/999999999999999999999/",
    "/api/v1/registrations/-1/",
    "/api/v1/registrations/0/history/",
    "/api/v1/documents/%C3%A9/pdf/",
    "/api/v1/decisions/?registration=x",
    "/api/v1/campaigns/?status=ouverte",
]


def test_bad_queries_and_ids_get_400_or_404_in_french(campaign, api_for, staff_a):
    api = api_for(staff_a)
    for url in BAD_QUERIES:
        answer = api.get(url)
        assert answer.status_code in (400, 404), (url, answer.status_code)
        assert answer.json()["message"], url


def test_updated_since_returns_what_changed_since(campaign, api_for, staff_a):
    api = api_for(staff_a)
    first = api.post("/api/v1/registrations/", {**PERSON, "campaign": campaign.pk}, format="json")
    mark = Registration.objects.get(pk=first.json()["id"]).updated_at
    Registration.objects.filter(pk=first.json()["id"]).update(
        updated_at=mark.replace(year=mark.year - 1)
    )
    second = api.post(
        "/api/v1/registrations/",
        {**PERSON, "last_name": "Suivante", "campaign": campaign.pk},
        format="json",
    )
    since = mark.isoformat()
    listed = api.get("/api/v1/registrations/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in listed] == [second.json()["id"]]
    by_stage = api.get("/api/v1/registrations/", {"stage": "dossier"}).json()["results"]
    assert by_stage == []
    plain = mark.replace(microsecond=0).isoformat().replace("+", " ")  # an unencoded « + »
    assert api.get(f"/api/v1/registrations/?updated_since={plain}").status_code == 200


def test_the_cursor_walks_every_row_once(campaign, api_for, staff_a):
    from tests.factories.candidates import bulk_registrations

    made = {r.pk for r in bulk_registrations(campaign, 25)}
    api = api_for(staff_a)
    seen, url = [], "/api/v1/registrations/?page_size=10"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == seen and set(seen) == made and len(seen) == 25
