"""Retention: a daily report staff can read first, the purge of what it listed a notice period
later, never a decision, jury minutes or an audit entry; the dry run writes nothing."""

import datetime
import io
import logging

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Campaign, Candidate
from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from documents import services as documents
from documents.models import Document
from privacy.models import Erasure, RetentionItem, RetentionReport
from privacy.tasks import run_retention

pytestmark = pytest.mark.django_db

LATER = datetime.datetime(2034, 1, 10, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def closed(journey, staff_a):
    minutes = documents.document_request(
        kind=Document.Kind.JURY_MINUTES, jury_session=journey.session, by=staff_a
    )
    Campaign.objects.filter(pk=journey.campaign.pk).update(status=Campaign.Status.CLOSED)
    journey.minutes = minutes
    return journey


def _snapshot():
    return {
        "reports": RetentionReport.objects.count(),
        "items": RetentionItem.objects.count(),
        "erasures": Erasure.objects.count(),
        "audit": AuditEntry.objects.count(),
        "people": list(Candidate.objects.order_by("pk").values_list("last_name", "email")),
        "documents": list(Document.objects.order_by("pk").values_list("pk", "status", "file")),
    }


def test_the_dry_run_prints_what_would_go_and_writes_nothing(closed):
    before = _snapshot()
    out = io.StringIO()

    with time_machine.travel(LATER, tick=False):
        call_command("retention_purge", "--dry-run", stdout=out)

    printed = out.getvalue()
    assert "1 personne(s) à anonymiser, 2 fichier(s) à supprimer" in printed
    assert "QUENDEREC Hugo" in printed
    assert "personne\t" + str(closed.alice.candidate_id) not in printed  # certified: kept
    assert _snapshot() == before
    assert default_storage.exists(closed.report.file.name)


def test_nothing_is_due_before_its_time(closed):
    out = io.StringIO()

    call_command("retention_purge", "--dry-run", stdout=out)

    assert "0 personne(s) à anonymiser, 0 fichier(s) à supprimer" in out.getvalue()


def test_the_daily_task_reports_first_then_purges_after_the_notice(
    closed, client_for, staff_a, staff_b, caplog, django_capture_on_commit_callbacks
):
    decisions = list(Decision.objects.values_list("pk", "outcome", "is_active", "session_id"))
    audit = set(AuditEntry.objects.values_list("pk", flat=True))
    files = [closed.report.file.name, closed.bob_report.file.name]

    with time_machine.travel(LATER, tick=False):
        run_retention.apply()
        run_retention.apply()  # twice the same day: the same report

    assert RetentionReport.objects.count() == 1
    assert RetentionItem.objects.count() == 3
    assert not Erasure.objects.exists() and all(default_storage.exists(f) for f in files)
    page = client_for(staff_a).get(reverse("privacy:retention_report")).content.decode()
    assert "QUENDEREC Hugo" in page and "En attente" in page
    other = client_for(staff_b).get(reverse("privacy:retention_report")).content.decode()
    assert "Rien à purger pour votre centre." in other and "QUENDEREC" not in other

    caplog.clear()
    with (
        caplog.at_level(logging.INFO),
        time_machine.travel(LATER + datetime.timedelta(days=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_retention.apply()

    bob = Candidate.objects.get(pk=closed.bob.candidate_id)
    assert bob.last_name.startswith("Personne effacée") and bob.erasure.source == "retention"
    assert [f for f in files if default_storage.exists(f)] == []
    assert Candidate.objects.get(pk=closed.alice.candidate_id).last_name == "Kervélégan"
    assert list(Decision.objects.values_list("pk", "outcome", "is_active", "session_id")) == (
        decisions
    )
    assert Document.objects.filter(pk=closed.minutes.pk, status="queued").exists()
    assert audit <= set(AuditEntry.objects.values_list("pk", flat=True))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    # Bob's report went with his erasure; Alice's (certified, kept) by the evidence rule.
    assert "1 people anonymised, 1 files deleted" in logged
    assert "Quenderec" not in logged and "hugo" not in logged.lower()

    erasures, audit_count = Erasure.objects.count(), AuditEntry.objects.count()
    with time_machine.travel(LATER + datetime.timedelta(days=31), tick=False):
        run_retention.apply()
    assert Erasure.objects.count() == erasures
    assert AuditEntry.objects.filter(action__startswith="cqpm.privacy").count() == (
        AuditEntry.objects.filter(
            action__startswith="cqpm.privacy", pk__lte=max(audit) + 10**9
        ).count()
    )
    assert AuditEntry.objects.count() == audit_count


def test_the_command_without_dry_run_purges_at_once(closed, django_capture_on_commit_callbacks):
    out = io.StringIO()

    with time_machine.travel(LATER, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("retention_purge", stdout=out)
        call_command("retention_purge", stdout=io.StringIO())  # again: nothing more

    assert "1 personne(s) anonymisée(s), 1 fichier(s) supprimé(s)" in out.getvalue()
    assert Erasure.objects.count() == 1
    assert RetentionItem.objects.filter(purged_at__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="cqpm.privacy.evidence.purged").count() == 1
    assert not closed.report.__class__.objects.exclude(file="").exists()
    assert not default_storage.exists(closed.report.file.name)
