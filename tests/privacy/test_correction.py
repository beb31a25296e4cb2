"""Rectification: an audited change of identity through the candidates' same-person rules."""

import datetime

import pytest
from django.urls import reverse

from candidates.models import Candidate
from cqpm.core.models import AuditEntry

from ..factories.candidates import CandidateFactory

pytestmark = pytest.mark.django_db


def _form(**changes):
    values = {
        "civility": "Mme",
        "last_name": "Kervélégan-Martin",
        "first_name": "Éloïse",
        "birth_date": "1990-04-12",
        "email": "eloise.martin@exemple.fr",
        "phone": "",
        "address": "",
        "reason": "Demande écrite du 02/12/2026, mariage.",
    }
    return {**values, **changes}


def _post(client, journey, data):
    return client.post(reverse("privacy:person_correct", args=[journey.person.pk]), data)


def test_a_correction_is_audited_with_its_reason(client_for, staff_a, journey):
    response = _post(client_for(staff_a), journey, _form())

    assert response.status_code == 302
    journey.person.refresh_from_db()
    assert journey.person.last_name == "Kervélégan-Martin"
    assert journey.person.identity_key == "kervelegan martin|eloise"
    entry = AuditEntry.objects.filter(action="cqpm.candidate.updated").get()
    assert entry.actor == staff_a
    assert entry.registration_id == journey.alice.pk
    assert entry.data["before"]["last_name"] == "Kervélégan"
    assert entry.data["after"]["email"] == "eloise.martin@exemple.fr"
    assert entry.data["reason"].startswith("Demande écrite")
    history = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[journey.alice.pk])
    )
    assert "Coordonnées du candidat modifiées" in history.content.decode()


def test_a_correction_needs_a_reason(client_for, staff_a, journey):
    response = _post(client_for(staff_a), journey, _form(reason=""))

    assert response.status_code == 200
    journey.person.refresh_from_db()
    assert journey.person.last_name == "Kervélégan"


def test_the_same_person_rule_holds(client_for, staff_a, journey):
    CandidateFactory(
        last_name="Kervelegan Martin", first_name="Eloise", birth_date=datetime.date(1990, 4, 12)
    )
    audit_before = AuditEntry.objects.count()

    response = _post(client_for(staff_a), journey, _form())

    assert "Une autre personne porte déjà ces nom, prénom et date de naissance." in (
        response.content.decode()
    )
    assert Candidate.objects.get(pk=journey.person.pk).last_name == "Kervélégan"
    assert AuditEntry.objects.count() == audit_before
