"""The identity fields the Caisse des Dépôts' deposit needs: held by the models with their
defaults (birth name from the name, sex from the civility, access mode from the pathway) and
their validators, and the certifier's ids of a centre."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from candidates.models import AccessMode, Candidate, Pathway, Registration, VaeWay
from candidates.validators import (
    validate_birth_date,
    validate_country_code,
    validate_insee_commune,
    validate_person_name,
    validate_postal_code,
)
from tests.factories.candidates import CandidateFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_a_new_person_takes_the_name_as_birth_name_and_the_sex_of_the_civility():
    candidate = CandidateFactory(last_name="Durand", civility="Mme")
    candidate.refresh_from_db()
    assert (candidate.birth_name, candidate.usage_name, candidate.sex) == ("Durand", "", "F")
    assert (candidate.birth_country_code, candidate.birth_country_label) == ("FRA", "France")


def test_a_birth_name_given_is_kept_and_bulk_inserts_fill_the_defaults_too():
    candidate = CandidateFactory(last_name="Martin", birth_name="Durand", civility="M.")
    assert (candidate.birth_name, candidate.sex) == ("Durand", "M")
    (bulk,) = Candidate.objects.bulk_create(
        [
            Candidate(
                civility="Mme",
                last_name="Petit",
                first_name="Léa",
                birth_date=datetime.date(1990, 1, 1),
            )
        ]
    )
    assert (bulk.birth_name, bulk.sex) == ("Petit", "F")


@pytest.mark.parametrize(
    ("pathway", "mode"),
    [
        (Pathway.CONTINUING, AccessMode.CONTINUING),
        (Pathway.VAE, AccessMode.VAE),
        (Pathway.PROFESSIONALISATION, AccessMode.PROFESSIONALISATION),
        (Pathway.APPRENTICESHIP, AccessMode.APPRENTICESHIP),
        (Pathway.JOB_SEEKER, AccessMode.CONTINUING),
        (Pathway.OTHER, ""),
    ],
)
def test_a_blank_access_mode_follows_the_pathway(pathway, mode):
    registration = RegistrationFactory(pathway=pathway)
    registration.refresh_from_db()
    assert registration.access_mode == mode


def test_a_vae_way_goes_only_with_the_vae():
    registration = RegistrationFactory(pathway=Pathway.VAE, vae_way=VaeWay.CLASSIC)
    assert registration.vae_way == VaeWay.CLASSIC
    registration.access_mode = AccessMode.CONTINUING
    with pytest.raises(ValidationError) as caught:
        registration.clean()
    assert "ne vaut que pour la modalité VAE" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(access_mode=AccessMode.CONTINUING)


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    [
        (validate_person_name, "D" * 61, "60 caractères au plus (61 reçus)."),
        (validate_person_name, "Dur\x00and", "caractère de contrôle (code 0)"),
        (validate_person_name, "Durand 😀", "« 😀 »"),
        (validate_person_name, "Du<rand>", "« < »"),
        (validate_birth_date, datetime.date(1899, 12, 31), "entre 1900 et 2099"),
        (validate_insee_commune, "6912", "5 caractères"),
        (validate_insee_commune, "691234", "5 caractères"),
        (validate_postal_code, "6900000000", "de 1 à 9"),
        (validate_country_code, "FR", "3 lettres majuscules"),
    ],
)
def test_hostile_values_are_refused_in_french(validator, value, message):
    with pytest.raises(ValidationError) as caught:
        validator(value)
    assert message in caught.value.messages[0]


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (validate_person_name, "N" * 60),
        (validate_person_name, "D'Artagnan-Lévêque"),
        (validate_person_name, "Nguyễn"),
        (validate_birth_date, datetime.date(1900, 1, 1)),
        (validate_insee_commune, "69123"),
        (validate_insee_commune, "2A004"),
        (validate_postal_code, "69001"),
        (validate_country_code, "FRA"),
    ],
)
def test_fair_values_pass(validator, value):
    validator(value)


def test_a_centre_carries_its_own_cdc_ids_or_the_settings(settings):
    from tests.factories.candidates import ExamCentreFactory

    settings.CDC_CLIENT_ID, settings.CDC_CONTRACT_ID = "BRANCHE1", "CONTRAT-BRANCHE"
    centre = ExamCentreFactory()
    assert centre.cdc_certifier_ids() == ("BRANCHE1", "CONTRAT-BRANCHE")
    centre.cdc_client_id, centre.cdc_contract_id = "CENTRE01", "C-42"
    assert centre.cdc_certifier_ids() == ("CENTRE01", "C-42")
    centre.cdc_client_id = "COURT"
    with pytest.raises(ValidationError) as caught:
        centre.full_clean()
    assert "exactement 8" in str(caught.value)


# --- Entry points: the registration page and the import -----------------------------------------

IDENTITY = {
    "birth_name": "Durand",
    "usage_name": "Bernard",
    "second_first_name": "Marie",
    "sex": "M",
    "birth_place_insee": "69123",
    "birth_place_label": "Lyon",
    "birth_country_code": "FRA",
    "birth_country_label": "France",
    "access_mode": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    "registration_initiative": "EMPLOYEUR",
}


def _page_form(**overrides):
    from tests.candidates.test_views_registrations import _form

    return _form(**{**IDENTITY, **overrides})


def _create(client, campaign, **overrides):
    from django.urls import reverse

    return client.post(
        reverse("candidates:registration_create", args=[campaign.pk]), _page_form(**overrides)
    )


def test_the_registration_page_records_the_identity(client_for, staff_a, campaign_a):
    response = _create(client_for(staff_a), campaign_a)
    assert response.status_code == 302
    registration = Registration.objects.get()
    candidate = registration.candidate
    assert (candidate.birth_name, candidate.usage_name, candidate.first_names) == (
        "Durand",
        "Bernard",
        ["Loïc", "Marie"],
    )
    assert (candidate.birth_place_insee, candidate.birth_place_label) == ("69123", "Lyon")
    assert registration.registration_initiative == "EMPLOYEUR"
    from django.urls import reverse

    page = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[registration.pk])
    )
    assert "Lyon (69123), France" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_name", "D" * 61, "au plus 60 caractères (actuellement 61)"),
        ("last_name", "D" * 61, "60 caractères au plus (61 reçus)."),
        ("first_name", "Lo\x00ïc", "caractère"),
        ("usage_name", "Bernard 😀", "ne peut pas contenir « 😀 »"),
        ("birth_date", "1899-12-31", "entre 1900 et 2099"),
        ("birth_place_insee", "6912", "5 caractères"),
        ("birth_country_code", "FR", "3 lettres majuscules"),
        ("sex", "X", "Sélectionnez un choix valide"),
        ("vae_way", "CONGES_VAE", "ne vaut que pour la modalité VAE"),
    ],
)
def test_the_registration_page_refuses_hostile_values_and_writes_nothing(
    client_for, staff_a, campaign_a, field, value, message
):
    response = _create(client_for(staff_a), campaign_a, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Candidate.objects.exists() and not Registration.objects.exists()


def test_editing_the_name_carries_a_birth_name_that_was_the_name(client_for, staff_a, campaign_a):
    from django.urls import reverse

    client = client_for(staff_a)
    _create(client, campaign_a, birth_name="", usage_name="")
    registration = Registration.objects.get()
    assert registration.candidate.birth_name == "Bernard"
    url = reverse("candidates:registration_update", args=[registration.pk])
    initial = client.get(url).context["form"].initial
    assert initial["birth_name"] == "" and initial["birth_place_insee"] == "69123"
    data = {**_page_form(**initial), "last_name": "Bernardin", "tutor_email": ""}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["birth_date"] = registration.candidate.birth_date.isoformat()
    data["registered_on"] = registration.registered_on.isoformat()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    registration.candidate.refresh_from_db()
    assert registration.candidate.birth_name == "Bernardin"
    assert registration.candidate.birth_place_insee == "69123"


def _identity_csv(**overrides):
    from tests.candidates.data import HEADER, csv_bytes, good_row

    extra = {
        "nom_naissance": "Durand",
        "prenom_2": "Marie",
        "sexe": "F",
        "code_insee_naissance": "2a004",
        "commune_naissance": "Ajaccio",
        "modalite_acces": "VAE",
        "voie_vae": "VAE classique",
        "initiative_inscription": "CERTIFIE",
        **overrides,
    }
    return csv_bytes([good_row(1, **extra)], header=[*HEADER, *extra])


def test_the_import_reads_the_identity_columns(campaign_a):
    _run_import(campaign_a, _identity_csv())
    registration = Registration.objects.get()
    candidate = registration.candidate
    assert (candidate.birth_name, candidate.second_first_name, candidate.sex) == (
        "Durand",
        "Marie",
        "F",
    )
    assert (candidate.birth_place_insee, candidate.birth_place_label) == ("2A004", "Ajaccio")
    assert (candidate.birth_country_code, candidate.birth_country_label) == ("FRA", "France")
    assert (registration.access_mode, registration.vae_way) == ("VAE", "VAE_CLASSIQUE")
    assert registration.registration_initiative == "CERTIFIE"


def test_a_file_without_the_identity_columns_imports_as_before(campaign_a):
    from tests.candidates.data import csv_bytes, good_row

    _run_import(campaign_a, csv_bytes([good_row(1, nom="Durand")]))
    candidate = Candidate.objects.get()
    assert (candidate.birth_name, candidate.sex, candidate.birth_place_insee) == ("Durand", "F", "")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nom_naissance": "D" * 61}, "colonne « nom_naissance » : 60 caractères au plus"),
        ({"commune_naissance": "Ajaccio 🏝"}, "colonne « commune_naissance » : Un lieu"),
        ({"code_insee_naissance": "2A04"}, "colonne « code_insee_naissance » : Le code INSEE"),
        ({"prenom_2": "Ma\x00rie"}, "colonne « prenom_2 » : caractère de contrôle"),
        ({"sexe": "X"}, "colonne « sexe » : sexe « X » inconnu"),
        ({"modalite_acces": "Stage"}, "colonne « modalite_acces » : « Stage » inconnu"),
        ({"modalite_acces": "Candidat libre"}, "colonne « voie_vae » : une voie d'accès"),
        ({"date_naissance": "31/12/1899"}, "colonne « date_naissance »"),
    ],
)
def test_the_import_refuses_hostile_identity_values_and_writes_nothing(
    campaign_a, overrides, message
):
    from candidates.importing import ImportRefused

    with pytest.raises(ImportRefused) as caught:
        _run_import(campaign_a, _identity_csv(**overrides))
    assert any(message in str(issue) for issue in caught.value.issues), caught.value.issues
    assert not Candidate.objects.exists() and not Registration.objects.exists()


def _run_import(campaign, data):
    from tests.candidates.test_import import _import

    return _import(campaign, data)


@pytest.mark.parametrize(
    ("client_id", "contract_id", "status", "message"),
    [
        ("UIMM6901", "CTR-2027-01", 302, ""),
        ("UIMM69", "", 200, "exactement 8"),
        ("UIMM69😀1", "", 200, "exactement 8"),
        ("", "C" * 21, 200, "comporte au plus 20 caractères"),
    ],
)
def test_the_centre_page_sets_its_cdc_ids(
    client_for, staff_a, centre_a, client_id, contract_id, status, message
):
    from django.urls import reverse

    data = {"name": centre_a.name, "cdc_client_id": client_id, "cdc_contract_id": contract_id}
    response = client_for(staff_a).post(
        reverse("candidates:centre_update", args=[centre_a.pk]), data
    )
    assert response.status_code == status
    centre_a.refresh_from_db()
    if status == 302:
        assert centre_a.cdc_certifier_ids() == (client_id, contract_id)
    else:
        assert message in response.content.decode()
        assert centre_a.cdc_client_id == ""
