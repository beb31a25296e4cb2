"""The export of everything held about a person: every category, JSON and PDF, the command, and
only what the reader's centre holds."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from cqpm.core.models import AuditEntry

from ..factories.candidates import CampaignFactory, RegistrationFactory
from .conftest import EMAIL

pytestmark = pytest.mark.django_db


def _url(name, journey, *args):
    return reverse(f"privacy:{name}", args=[journey.person.pk, *args])


def test_it_exports_every_category_as_json(client_for, staff_a, journey):
    response = client_for(staff_a).get(_url("person_export", journey, "json"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["format"] == "cqpm-personal-data/1"
    (person,) = data["people"]
    assert person["identity"]["last_name"] == "Kervélégan"
    assert person["identity"]["birth_date"] == "1990-04-12"
    assert person["identity"]["phone"] == "0601020304"
    (registration,) = person["registrations"]
    assert registration["company"]["name"] == "Forges de Lyon"
    assert registration["tutor"] == "tuteur@exemple.fr"
    assert registration["dossier"]["capacities"]
    assert registration["evidence"][0]["file_name"] == "rapport.pdf"
    assert registration["evidence"][0]["file_kept"] is True
    assert registration["company_opinion"]["capacities"][0]["rating"] == "mastered"
    assert len(registration["results"]["capacities"]) == 3
    assert registration["decisions"][0]["outcome"] == "admissible"
    assert registration["documents"][0]["verification_code"] == (
        journey.certificate.verification_code
    )
    assert registration["emails"][0]["to"] == "tuteur@exemple.fr"
    actions = {entry["action"] for entry in person["audit"]}
    assert {"cqpm.candidate.created", "cqpm.registration.created"} <= actions
    assert "e-mails" in data["emails_note"]


def test_the_pdf_export_is_a_pdf_rendered_in_the_request(client_for, staff_a, journey):
    response = client_for(staff_a).get(_url("person_export", journey, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_export_is_audited_without_personal_values(client_for, staff_a, journey):
    client_for(staff_a).get(_url("person_export", journey, "json"))

    entry = AuditEntry.objects.get(action="cqpm.privacy.person.exported")
    assert entry.actor == staff_a
    assert entry.data == {"format": "json"}
    assert entry.registration_id == journey.alice.pk


def test_the_command_prints_valid_json_of_every_centre(journey, centre_b, tutor):
    elsewhere = RegistrationFactory(
        campaign=CampaignFactory(centre=centre_b, name="Campagne du centre B"),
        candidate=journey.person,
    )
    out = io.StringIO()

    call_command("personal_data_export", EMAIL.upper(), stdout=out)

    data = json.loads(out.getvalue())
    (person,) = data["people"]
    assert {r["id"] for r in person["registrations"]} == {journey.alice.pk, elsewhere.pk}
    assert data["scope"] == "all"


def test_the_command_exports_the_account_with_that_email(journey, tutor):
    out = io.StringIO()

    call_command("personal_data_export", "tuteur@exemple.fr", stdout=out)

    data = json.loads(out.getvalue())
    assert data["people"] == []
    assert data["account"]["email"] == "tuteur@exemple.fr"


def test_staff_see_only_what_their_centre_holds(client_for, staff_a, journey, centre_b):
    RegistrationFactory(
        campaign=CampaignFactory(centre=centre_b, name="Campagne du centre B"),
        candidate=journey.person,
    )

    data = client_for(staff_a).get(_url("person_export", journey, "json")).json()

    assert [r["centre"] for r in data["people"][0]["registrations"]] == ["UIMM Centre A"]


PAGES = [
    ("person_detail", ()),
    ("person_export", ("json",)),
    ("person_export", ("pdf",)),
    ("person_correct", ()),
    ("person_erase", ()),
]


@pytest.mark.parametrize("persona", ["staff_b", "tutor", "jury_president", "outsider"])
def test_outsiders_get_404(client_for, request, journey, persona):
    client = client_for(request.getfixturevalue(persona))

    statuses = {
        name + str(args): client.get(_url(name, journey, *args)).status_code for name, args in PAGES
    }
    statuses["erase (POST)"] = client.post(
        _url("person_erase", journey), {"confirm": "on"}
    ).status_code

    assert set(statuses.values()) == {404}, statuses
    journey.person.refresh_from_db()
    assert journey.person.last_name == "Kervélégan"


def test_the_search_finds_only_people_of_the_centre(client_for, staff_a, staff_b, journey):
    url = reverse("privacy:person_search") + "?email=" + EMAIL

    assert "Kervélégan".upper() in client_for(staff_a).get(url).content.decode()
    assert "KERVÉLÉGAN" not in client_for(staff_b).get(url).content.decode()


def test_the_registration_page_links_to_the_person(client_for, staff_a, journey):
    page = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[journey.alice.pk])
    )

    assert _url("person_detail", journey) in page.content.decode()
