"""The identity the Caisse des Dépôts' deposit needs, under the GDPR: rectified on the person's
page (hostile values refused, nothing written), in the personal-data export, emptied by an
erasure and caviardé in the audit entries that named it."""

import pytest
from django.urls import reverse

from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_redacted
from cqpm.core.models import AuditEntry
from privacy import services
from privacy.export import personal_data_export

pytestmark = pytest.mark.django_db


def _correct(client, person, **overrides):
    data = {
        "civility": person.civility,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "birth_name": "Le Bihan",
        "usage_name": "",
        "second_first_name": "Anne",
        "third_first_name": "",
        "sex": "F",
        "birth_place_insee": "29232",
        "birth_postal_code": "",
        "birth_place_label": "Quimper",
        "birth_country_code": "FRA",
        "birth_country_label": "France",
        "reason": "Pièce d'identité vue le 12/03.",
        **overrides,
    }
    return client.post(reverse("privacy:person_correct", args=[person.pk]), data)


def test_the_rectification_page_fills_in_the_birth_place_after_the_campaign(
    client_for, staff_a, journey
):
    Campaign.objects.filter(pk=journey.campaign.pk).update(status=Campaign.Status.CLOSED)
    page = client_for(staff_a).get(reverse("privacy:person_correct", args=[journey.person.pk]))
    assert 'id="etat-civil"' in page.content.decode()
    response = _correct(client_for(staff_a), journey.person)
    assert response.status_code == 302
    journey.person.refresh_from_db()
    assert (journey.person.birth_name, journey.person.birth_place_insee) == ("Le Bihan", "29232")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_place_label", "Quimper 🌊", "ne peut pas contenir « 🌊 »"),
        ("birth_name", "Le\x00Bihan", "caractère"),
        ("second_first_name", "A" * 61, "au plus 60 caractères"),
        ("birth_date", "1899-05-01", "entre 1900 et 2099"),
        ("birth_place_insee", "2923", "5 caractères"),
    ],
)
def test_the_rectification_refuses_hostile_values_and_writes_nothing(
    client_for, staff_a, journey, field, value, message
):
    before = AuditEntry.objects.count()
    response = _correct(client_for(staff_a), journey.person, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    journey.person.refresh_from_db()
    assert journey.person.birth_place_insee == "" and AuditEntry.objects.count() == before


def test_the_export_holds_the_identity_and_the_erasure_empties_it(client_for, staff_a, journey):
    _correct(client_for(staff_a), journey.person)
    export = personal_data_export(candidates=[journey.person], centre_ids=None)
    text = str(export)
    for value in ("Le Bihan", "Anne", "29232", "Quimper", "FORMATION_CONTINUE"):
        assert value in text

    Campaign.objects.filter(pk=journey.campaign.pk).update(status=Campaign.Status.CLOSED)
    Registration.objects.filter(pk=journey.alice.pk).update(stage=Registration.Stage.ADMISSIBLE)
    services.person_erase(candidate=journey.person, by=staff_a)
    person = journey.person
    person.refresh_from_db()
    assert person.birth_name == person.last_name  # the placeholder
    assert (person.second_first_name, person.sex, person.birth_place_insee) == ("", "", "")
    assert (person.birth_place_label, person.birth_country_code) == ("", "")
    entries = audit_redacted(
        list(AuditEntry.objects.filter(object_id=str(person.pk), action="cqpm.candidate.updated"))
    )
    assert entries and all("Quimper" not in str(e.data) for e in entries)
    assert all("Le Bihan" not in str(e.data) for e in entries)
