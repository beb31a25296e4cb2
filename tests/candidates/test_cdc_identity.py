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
