"""Registration rules: same person, once per campaign, SIRET, closed campaigns, audit."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from candidates.models import Campaign, Candidate, Company, Pathway, Registration
from candidates.services import (
    PersonData,
    candidate_find_or_create,
    registration_create,
    registration_set_stage,
    registration_update,
    registration_withdraw,
)
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from tests.factories.candidates import CandidateFactory, CompanyFactory, luhn_siret

pytestmark = pytest.mark.django_db

PERSON = PersonData(
    civility="Mme",
    last_name="Lefèvre",
    first_name="Hélène",
    birth_date=datetime.date(1990, 5, 17),
    email="helene@exemple.fr",
)
SIRET = luhn_siret("7320000000001")


def _register(campaign, by, **kwargs):
    values = {
        "person": PERSON,
        "pathway": Pathway.VAE,
        "company_siret": SIRET,
        "company_name": "Forges de l'Est",
    }
    return registration_create(campaign=campaign, by=by, **{**values, **kwargs})


def test_it_recognises_the_same_person_despite_case_and_accents(staff_a):
    first = candidate_find_or_create(person=PERSON, by=staff_a)
    again = PersonData(
        civility="Mme", last_name="LEFEVRE", first_name="helene", birth_date=PERSON.birth_date
    )
    assert candidate_find_or_create(person=again, by=staff_a) == first
    other_day = PersonData(
        civility="Mme",
        last_name="Lefèvre",
        first_name="Hélène",
        birth_date=datetime.date(1991, 1, 1),
    )
    assert candidate_find_or_create(person=other_day, by=staff_a) != first
    assert Candidate.objects.count() == 2


def test_it_registers_a_candidate_with_company_and_audit(campaign_a, staff_a):
    registration = _register(campaign_a, staff_a, tutor_email="Tuteur.Neuf@Exemple.fr")
    assert registration.stage == Registration.Stage.REGISTERED
    assert registration.company.siret == SIRET
    assert registration.tutor.email == "tuteur.neuf@exemple.fr"
    assert not registration.tutor.has_usable_password()
    entry = AuditEntry.objects.get(action="cqpm.registration.created")
    assert entry.registration_id == registration.pk
    assert entry.centre_id == campaign_a.centre_id
    assert entry.data["after"]["pathway"] == "vae"


def test_it_reuses_a_known_company_by_siret(campaign_a, staff_a):
    company = CompanyFactory(siret=SIRET, name="Nom connu")
    registration = _register(campaign_a, staff_a, company_name="")
    assert registration.company == company
    assert Company.objects.count() == 1


def test_it_refuses_a_bad_siret_and_writes_nothing(campaign_a, staff_a):
    bad = SIRET[:-1] + str((int(SIRET[-1]) + 1) % 10)
    with pytest.raises(DomainError, match="clé de contrôle erronée"):
        _register(campaign_a, staff_a, company_siret=bad)
    assert not Registration.objects.exists()
    assert not Candidate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_asks_the_name_of_an_unknown_company(campaign_a, staff_a):
    with pytest.raises(DomainError, match="indiquez la raison sociale"):
        _register(campaign_a, staff_a, company_name=" ")
    assert not Registration.objects.exists()


def test_it_refuses_the_same_person_twice_in_a_campaign(campaign_a, staff_a):
    _register(campaign_a, staff_a)
    twin = PersonData(
        civility="Mme", last_name="lefevre", first_name="HÉLÈNE", birth_date=PERSON.birth_date
    )
    with pytest.raises(DomainError, match="est déjà inscrit"):
        _register(campaign_a, staff_a, person=twin)
    assert Registration.objects.count() == 1
    assert AuditEntry.objects.filter(action="cqpm.registration.created").count() == 1


def test_it_lets_the_same_person_join_another_campaign(campaign_a, staff_a, centre_a):
    from tests.factories.candidates import CampaignFactory

    _register(campaign_a, staff_a)
    _register(CampaignFactory(centre=centre_a), staff_a)
    assert Registration.objects.count() == 2
    assert Candidate.objects.count() == 1


def test_the_database_holds_one_registration_per_campaign(campaign_a, staff_a):
    registration = _register(campaign_a, staff_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            campaign=campaign_a,
            candidate=registration.candidate,
            pathway=Pathway.VAE,
            registered_on=datetime.date(2026, 10, 2),
        )


@pytest.mark.parametrize("status", [Campaign.Status.CLOSED, Campaign.Status.CANCELLED])
def test_it_refuses_registrations_in_a_closed_campaign(campaign_a, staff_a, status):
    Campaign.objects.filter(pk=campaign_a.pk).update(status=status)
    with pytest.raises(
        DomainError, match="lecture seule, il n'est plus possible d'inscrire des candidats"
    ):
        _register(campaign_a, staff_a)
    assert not Registration.objects.exists()


def test_it_refuses_staff_of_another_centre(campaign_a, staff_b):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        _register(campaign_a, staff_b)
    assert not Registration.objects.exists()


def test_it_updates_a_registration_and_its_person_with_audit(registration_a, staff_a, other_tutor):
    person = PersonData(
        civility=registration_a.candidate.civility,
        last_name="Dupont-Martin",
        first_name="Élodie",
        birth_date=registration_a.candidate.birth_date,
    )
    registration_update(
        registration=registration_a,
        pathway=Pathway.APPRENTICESHIP,
        registered_on=registration_a.registered_on,
        person=person,
        company_siret=registration_a.company.siret,
        tutor=other_tutor,
        by=staff_a,
    )
    registration_a.refresh_from_db()
    assert registration_a.pathway == Pathway.APPRENTICESHIP
    assert registration_a.tutor == other_tutor
    assert registration_a.candidate.last_name == "Dupont-Martin"
    updated = AuditEntry.objects.get(action="cqpm.registration.updated")
    assert updated.data["before"] == {
        "pathway": "continuing",
        "access_mode": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "tutor": "tuteur@exemple.fr",
    }
    # The access mode followed the pathway, so it follows the new one.
    assert registration_a.access_mode == "FORMATION_INITIALE_APPRENTISSAGE"
    assert updated.registration_id == registration_a.pk
    person_entry = AuditEntry.objects.get(action="cqpm.candidate.updated")
    assert person_entry.registration_id == registration_a.pk
    assert person_entry.data["after"]["last_name"] == "Dupont-Martin"


def test_it_refuses_to_rename_someone_into_another_person(registration_a, staff_a):
    other = CandidateFactory(last_name="Martin", first_name="Paul")
    person = PersonData(
        civility="M.", last_name="MARTIN", first_name="paul", birth_date=other.birth_date
    )
    with pytest.raises(DomainError, match="Une autre personne"):
        registration_update(
            registration=registration_a,
            pathway=registration_a.pathway,
            registered_on=registration_a.registered_on,
            person=person,
            by=staff_a,
        )
    registration_a.candidate.refresh_from_db()
    assert registration_a.candidate.last_name == "Dupont"


def test_it_withdraws_keeping_the_record(registration_a, staff_a):
    registration_withdraw(registration=registration_a, reason="Changement d'emploi", by=staff_a)
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.WITHDRAWN
    assert registration_a.withdrawal_reason == "Changement d'emploi"
    assert registration_a.withdrawn_at is not None
    entry = AuditEntry.objects.get(action="cqpm.registration.withdrawn")
    assert entry.data == {
        "before": "registered",
        "after": "withdrawn",
        "reason": "Changement d'emploi",
    }
    assert entry.registration_id == registration_a.pk
    assert entry.centre_id == registration_a.campaign.centre_id


def test_it_requires_a_reason_to_withdraw(registration_a, staff_a):
    with pytest.raises(DomainError, match="motif"):
        registration_withdraw(registration=registration_a, reason="  ", by=staff_a)
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.REGISTERED
    assert not AuditEntry.objects.exists()


def test_it_refuses_to_withdraw_after_the_jury_decided(registration_a, staff_a):
    Registration.objects.filter(pk=registration_a.pk).update(stage=Registration.Stage.ADMISSIBLE)
    with pytest.raises(DomainError, match="jury a déjà statué"):
        registration_withdraw(registration=registration_a, reason="Trop tard", by=staff_a)


def test_it_sets_the_stage_for_later_apps(registration_a, jury_president):
    registration_set_stage(
        registration=registration_a, stage=Registration.Stage.DOSSIER, by=jury_president
    )
    assert registration_a.stage == Registration.Stage.DOSSIER
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.DOSSIER
    entry = AuditEntry.objects.get(action="cqpm.registration.stage_changed")
    assert entry.data == {"before": "registered", "after": "dossier"}
    assert entry.registration_id == registration_a.pk
    assert entry.centre_id == registration_a.campaign.centre_id
    # Setting the same stage again writes nothing.
    registration_set_stage(
        registration=registration_a, stage=Registration.Stage.DOSSIER, by=jury_president
    )
    assert AuditEntry.objects.filter(action="cqpm.registration.stage_changed").count() == 1


def test_it_refuses_stage_changes_of_a_withdrawn_registration(registration_a, staff_a):
    registration_withdraw(registration=registration_a, reason="Abandon", by=staff_a)
    with pytest.raises(DomainError, match="désinscrit"):
        registration_set_stage(
            registration=registration_a, stage=Registration.Stage.DOSSIER, by=staff_a
        )
    with pytest.raises(DomainError, match="motif"):
        registration_set_stage(
            registration=registration_a, stage=Registration.Stage.WITHDRAWN, by=staff_a
        )


def test_it_creates_tutor_accounts_without_password(campaign_a, staff_a):
    registration = _register(campaign_a, staff_a, tutor_email="nouveau.tuteur@exemple.fr")
    tutor = User.objects.get(email="nouveau.tuteur@exemple.fr")
    assert registration.tutor == tutor
    assert not tutor.has_usable_password()
