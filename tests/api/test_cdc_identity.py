"""The CDC deposit's identity through the API: sent with one registration or a batch, under the
model fields' rules; hostile values answered 400 in French, nothing written."""

import pytest

from candidates.models import Candidate, Registration
from tests.factories.candidates import CampaignFactory

pytestmark = pytest.mark.django_db

PERSON = {
    "civility": "Mme",
    "last_name": "Martin",
    "first_name": "Jeanne",
    "birth_date": "1991-02-03",
    "pathway": "vae",
    "birth_name": "Durand",
    "second_first_name": "Marie",
    "birth_place_insee": "2a004",
    "birth_place_label": "Ajaccio",
    "vae_way": "CONGES_VAE",
    "registration_initiative": "CERTIFIE",
}


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne ouverte")


def test_one_registration_carries_the_identity(campaign, api_for, staff_a):
    answer = api_for(staff_a).post(
        "/api/v1/registrations/", {**PERSON, "campaign": campaign.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["candidate"]["birth_place_insee"] == "2A004"
    assert body["candidate"]["birth_country_code"] == "FRA"  # left out: the default
    assert (body["access_mode"], body["vae_way"]) == ("VAE", "CONGES_VAE")
    candidate = Candidate.objects.get()
    assert (candidate.birth_name, candidate.sex) == ("Durand", "F")


def test_a_batch_carries_the_identity(campaign, api_for, staff_a):
    rows = [PERSON, {**PERSON, "first_name": "Paul", "civility": "M.", "birth_place_insee": ""}]
    answer = api_for(staff_a).post(
        "/api/v1/registrations/bulk/", {"campaign": campaign.pk, "rows": rows}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    places = dict(Candidate.objects.values_list("first_name", "birth_place_insee"))
    assert places == {"Jeanne": "2A004", "Paul": ""}
    assert set(Registration.objects.values_list("vae_way", flat=True)) == {"CONGES_VAE"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_name", "D" * 61, "60"),
        ("last_name", "M" * 61, "60"),
        ("first_name", "Jeanne 🙂", "« 🙂 »"),
        ("usage_name", "Martin 😀", "« 😀 »"),
        ("birth_place_label", "Aja\x00ccio", "caractère"),
        ("birth_date", "1899-12-31", "naissance"),  # the service's words, or the import's
        ("birth_place_insee", "2A04", "5 caractères"),
        ("birth_country_code", "FR", "3 lettres"),
        ("sex", "X", "X"),
        ("access_mode", "STAGE", "STAGE"),
    ],
)
def test_hostile_values_are_refused_in_french_and_nothing_is_written(
    campaign, api_for, staff_a, field, value, message
):
    for url, body in (
        ("/api/v1/registrations/", {**PERSON, "campaign": campaign.pk, field: value}),
        (
            "/api/v1/registrations/bulk/",
            {"campaign": campaign.pk, "rows": [{**PERSON, field: value}]},
        ),
    ):
        answer = api_for(staff_a).post(url, body, format="json")
        assert answer.status_code == 400, (url, answer.json())
        assert message in str(answer.json()), answer.json()
    assert not Candidate.objects.exists() and not Registration.objects.exists()


def test_a_vae_way_without_the_vae_is_refused(campaign, api_for, staff_a):
    answer = api_for(staff_a).post(
        "/api/v1/registrations/",
        {**PERSON, "campaign": campaign.pk, "pathway": "continuing"},
        format="json",
    )
    assert answer.status_code == 400
    assert "ne vaut que pour la modalité VAE" in str(answer.json())
