"""Erasure: the person is anonymised everywhere people read (pages, search, history, exports,
logs written after), their files leave storage, while the certificate still verifies under the
placeholder and the decisions, minutes and audit entries stay."""

import base64
import html
import io
import json
import logging

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Campaign, Registration
from cqpm.core.models import AuditEntry
from credentials.models import Credential
from deliberations.models import Decision
from privacy import services
from privacy.models import Erasure

from .conftest import EMAIL

pytestmark = pytest.mark.django_db

OLD = ["Kervélégan", "KERVÉLÉGAN", "Éloïse", EMAIL, "0601020304", "12/04/1990", "rue des Forges"]


def _erase(client, journey):
    return client.post(
        reverse("privacy:person_erase", args=[journey.person.pk]), {"confirm": "on"}, follow=True
    )


def _absent(text: str) -> list[str]:
    return [value for value in OLD if value.lower() in text.lower()]


def test_it_is_refused_while_a_campaign_of_theirs_runs(client_for, staff_a, journey):
    Registration.objects.filter(pk=journey.alice.pk).update(stage=Registration.Stage.JURY)
    audit_before = AuditEntry.objects.count()

    response = _erase(client_for(staff_a), journey)

    assert "Une campagne de cette personne est encore en cours" in response.content.decode()
    journey.person.refresh_from_db()
    assert journey.person.last_name == "Kervélégan"
    assert not Erasure.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert default_storage.exists(journey.report.file.name)


def test_erasure_leaves_no_trace_of_the_person_where_people_read(
    client_for, staff_a, certified, caplog, django_capture_on_commit_callbacks
):
    journey = certified
    client = client_for(staff_a)
    report_name, certificate_name = journey.report.file.name, journey.certificate.file.name
    decisions = list(Decision.objects.values_list("pk", "outcome", "is_active"))
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = _erase(client, journey)

    assert "Les données personnelles ont été effacées." in response.content.decode()
    person = journey.person
    person.refresh_from_db()
    placeholder = f"Personne effacée {person.erasure.code}"
    assert person.last_name == placeholder and person.email == "" and person.phone == ""
    assert "kervelegan" not in person.search_text and "eloise" not in person.search_text
    assert not default_storage.exists(report_name)
    assert not default_storage.exists(certificate_name)
    # The certification facts stay.
    assert list(Decision.objects.values_list("pk", "outcome", "is_active")) == decisions
    assert audit_before < set(AuditEntry.objects.values_list("pk", flat=True))

    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        pages = {
            "list": client.get(reverse("candidates:registration_list", args=[journey.campaign.pk])),
            "search": client.get(
                reverse("candidates:registration_list", args=[journey.campaign.pk]),
                {"q": "Kervélégan"},
            ),
            "registration": client.get(
                reverse("candidates:registration_detail", args=[journey.alice.pk])
            ),
            "person": client.get(reverse("privacy:person_detail", args=[person.pk])),
            "export": client.get(reverse("privacy:person_export", args=[person.pk, "json"])),
            "privacy search": client.get(reverse("privacy:person_search"), {"email": EMAIL}),
            "api registration": client.get(f"/api/v1/registrations/{journey.alice.pk}/"),
            "api history": client.get(f"/api/v1/registrations/{journey.alice.pk}/history/"),
            "api candidates": client.get("/api/v1/candidates/"),
        }
        out = io.StringIO()
        call_command("personal_data_export", EMAIL, stdout=out)
        services.retention_run()

    # The search boxes echo what was typed; the person is no longer found by either.
    search = pages.pop("search").content.decode()
    assert reverse("candidates:registration_detail", args=[journey.alice.pk]) not in search
    by_email = pages.pop("privacy search").content.decode()
    assert "Aucune personne suivie par votre centre" in by_email
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert _absent(page.content.decode()) == [], name
    assert placeholder.upper() in pages["list"].content.decode()
    assert placeholder in pages["registration"].content.decode()
    assert json.loads(out.getvalue())["people"] == []
    export = pages["export"].json()
    assert export["people"][0]["identity"]["erased"] is True
    assert export["people"][0]["registrations"][0]["decisions"][0]["outcome"] == "admissible"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert _absent(logged) == []


def test_the_certificate_still_verifies_under_the_placeholder(client, staff_a, certified):
    before = Credential.objects.get(document=certified.certificate)
    assert _absent(_payload(before.jwt)) != []  # the badge named the holder
    services.person_erase(candidate=certified.person, by=staff_a)

    code = certified.certificate.verification_code
    page = client.get(reverse("documents:verify", args=[code]))

    content = page.content.decode()
    assert "Document authentique et valide." in content
    assert "PERSONNE EFFACÉE" in content
    assert _absent(content) == []
    # The stored badge is signed again from the anonymised record, same id and status entry.
    after = Credential.objects.get(pk=before.pk)
    assert (after.uuid, after.status_index) == (before.uuid, before.status_index)
    badge = client.get(reverse("credentials:credential_jwt", args=[code])).content.decode()
    assert badge == after.jwt and _absent(_payload(badge)) == []
    assert "PERSONNE EFFACÉE" in _payload(badge)
    checked = client.post(reverse("credentials:verify"), {"text": badge})
    assert "Badge authentique et valide." in html.unescape(checked.content.decode())


def _payload(token: str) -> str:
    body = token.split(".")[1]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()


def test_the_history_reads_older_entries_redacted_while_the_log_itself_is_unchanged(
    client_for, staff_a, journey
):
    created = AuditEntry.objects.get(
        action="cqpm.registration.created", registration_id=journey.alice.pk
    )
    services.person_erase(candidate=journey.person, by=staff_a)

    page = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[journey.alice.pk])
    )

    assert _absent(page.content.decode()) == []
    assert "Données personnelles effacées" in page.content.decode()
    # Append-only: the stored entry is the one written at the time (the legal record).
    stored = AuditEntry.objects.get(pk=created.pk)
    assert "Kervélégan".upper() in stored.object_repr
    erased = AuditEntry.objects.get(action="cqpm.privacy.person.erased")
    assert _absent(json.dumps(erased.data) + erased.object_repr) == []


def test_the_placeholder_is_deterministic_and_erasing_twice_is_refused(staff_a, journey):
    services.person_erase(candidate=journey.person, by=staff_a)
    journey.person.refresh_from_db()
    first = journey.person.last_name

    with pytest.raises(services.DomainError, match="déjà été effacées"):
        services.person_erase(candidate=journey.person, by=staff_a)

    assert first == f"Personne effacée {services.placeholder_code(journey.person.pk)}"
    assert Erasure.objects.count() == 1


def test_a_withdrawn_person_may_be_erased_during_the_campaign(staff_a, journey):
    Campaign.objects.filter(pk=journey.campaign.pk).update(status=Campaign.Status.IN_PROGRESS)
    Registration.objects.filter(pk=journey.bob.pk).update(stage=Registration.Stage.WITHDRAWN)

    services.person_erase(candidate=journey.bob.candidate, by=staff_a)

    journey.bob.candidate.refresh_from_db()
    assert journey.bob.candidate.last_name.startswith("Personne effacée")
