"""Who a person is, held by the database; every account created through one service."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates.models import Candidate, identity_key_of
from candidates.services import PersonData, registration_create
from cqpm.core.models import AuditEntry

from ..factories.candidates import CandidateFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BORN = datetime.date(1990, 3, 4)


def test_it_recognises_a_person_without_case_accents_or_hyphens():
    assert identity_key_of("  Dupont-Léger ", "Hélène") == identity_key_of("DUPONT LEGER", "helene")


def test_the_database_refuses_the_same_person_twice_even_past_python():
    Candidate.objects.create(
        civility="Mme", last_name="Dupont", first_name="Hélène", birth_date=BORN
    )
    twin = Candidate(civility="Mme", last_name="DUPONT", first_name="Helene", birth_date=BORN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.bulk_create([twin])  # a bulk write skips save(): the constraint holds
    other = Candidate.objects.create(civility="M.", last_name="X", first_name="Y", birth_date=BORN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.filter(pk=other.pk).update(identity_key="")  # no identity key at all


def test_registering_the_same_person_twice_reuses_them(campaign_a, staff_a, campaign_b, staff_b):
    campaign_a.status = campaign_b.status = "open"
    person = PersonData(civility="Mme", last_name="Dupont", first_name="Hélène", birth_date=BORN)
    first = registration_create(campaign=campaign_a, person=person, pathway="vae", by=staff_a)
    again = PersonData(civility="Mme", last_name="DUPONT", first_name="helene", birth_date=BORN)
    second = registration_create(campaign=campaign_b, person=again, pathway="vae", by=staff_b)
    assert first.candidate_id == second.candidate_id
    assert Candidate.objects.count() == 1


def test_renaming_a_person_into_another_is_refused_in_french(client_for, staff_a, registration_a):
    other = CandidateFactory(last_name="Martin", first_name="Léa", birth_date=BORN)
    url = reverse("candidates:registration_update", args=[registration_a.pk])
    page = client_for(staff_a).get(url)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(last_name="MARTIN", first_name="Lea", birth_date="04/03/1990")
    response = client_for(staff_a).post(url, data)
    assert response.status_code == 200
    assert "Une autre personne porte déjà ces nom, prénom et date de naissance." in (
        response.content.decode()
    )
    registration_a.candidate.refresh_from_db()
    assert (
        registration_a.candidate.last_name != "MARTIN" and other.pk != registration_a.candidate_id
    )


def test_a_new_colleague_gets_one_audited_account_and_a_link(
    client_for, staff_a, centre_a, django_capture_on_commit_callbacks
):
    url = reverse("candidates:membership_add", args=[centre_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_a).post(
            url, {"email": "Nouvelle.Collegue@Exemple.fr", "role": "evaluator"}
        )
    assert response.status_code == 302
    created = AuditEntry.objects.filter(action="cqpm.account.created")
    assert [e.data["after"]["email"] for e in created] == ["nouvelle.collegue@exemple.fr"]
    assert any("nouvelle.collegue@exemple.fr" in m.to for m in mail.outbox)


def test_no_code_but_the_account_service_creates_accounts():
    """`create_user(` and bulk inserts of users live in accounts/services.py alone."""
    offenders = []
    for app in ("candidates", "evaluations", "deliberations", "documents", "referentials", "cqpm"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "demo.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in (
                    "create_user",
                    "create_superuser",
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
