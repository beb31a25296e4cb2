"""Requesting, generating, revoking documents and batches: rules, idempotency, claims."""

import datetime
import hashlib
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import Decision, JurySession
from documents import services
from documents.models import Document, DocumentBatch
from documents.rendering import document_html
from documents.selectors import batch_progress

from ..factories.documents import decide

Kind = Document.Kind
Status = Document.Status


def media_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_it_queues_one_document_however_often_it_is_requested(jury, staff_a):
    first = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    second = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    assert first.pk == second.pk
    assert Document.objects.filter(registration=jury.alice).count() == 1
    assert (first.status, first.version, first.decision_id) == (
        Status.QUEUED,
        1,
        jury.admissible.pk,
    )
    entry = AuditEntry.objects.get(action="cqpm.documents.document.requested")
    assert (entry.actor, entry.registration_id) == (staff_a, jury.alice.pk)


@pytest.mark.parametrize(
    ("kind", "who", "message"),
    [
        (Kind.CERTIFICATE, "bob", "qu'à un candidat déclaré admissible"),
        (Kind.CAPACITY_NOTICE, "alice", "qu'à un candidat non admissible"),
    ],
)
def test_it_refuses_a_document_the_decision_does_not_allow(jury, staff_a, kind, who, message):
    with pytest.raises(DomainError, match=message):
        services.document_request(kind=kind, registration=getattr(jury, who), by=staff_a)

    assert not Document.objects.exists()


def test_it_refuses_documents_before_the_jury_is_closed(jury, staff_a):
    JurySession.objects.filter(pk=jury.session.pk).update(status=JurySession.Status.DELIBERATING)
    jury.session.refresh_from_db()

    with pytest.raises(DomainError, match="une fois le jury clos"):
        services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    with pytest.raises(DomainError, match="une fois le jury clos"):
        services.document_request(kind=Kind.JURY_MINUTES, jury_session=jury.session, by=staff_a)
    with pytest.raises(DomainError, match="une fois le jury clos"):
        services.batch_request(jury_session=jury.session, by=staff_a)

    assert not Document.objects.exists() and not DocumentBatch.objects.exists()


def test_it_refuses_a_certificate_to_an_absent_candidate(jury, staff_a, jury_president):
    absent = decide(session=jury.session, outcome=Decision.Outcome.ABSENT, by=jury_president)

    with pytest.raises(DomainError, match="admissible"):
        services.document_request(
            kind=Kind.CERTIFICATE, registration=absent.registration, by=staff_a
        )


def test_it_refuses_an_unknown_kind(jury, staff_a):
    with pytest.raises(DomainError, match="Type de document inconnu"):
        services.document_request(kind="diplome", registration=jury.alice, by=staff_a)


def test_it_generates_stores_and_hashes_the_pdf(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    result = services.document_generate(document_id=document.pk)

    document.refresh_from_db()
    assert result.pk == document.pk
    assert (document.status, document.attempts, document.error) == (Status.READY, 1, "")
    data = document.file.read()
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.started_at <= document.finished_at
    assert [p.name for p in media_files()] == [f"certificate-{document.pk}-v1.pdf"]
    assert AuditEntry.objects.filter(action="cqpm.documents.document.generated").count() == 1


def test_generating_reads_what_it_needs_once(jury, staff_a, django_assert_max_num_queries):
    """The task's queries (issue 22): the claim, the document with its relations, the credential,
    the session with its members, the decision; then the outcome, the audit entry, the file's
    hash and the webhooks' endpoints. The outcome is set on the object, not read back (which
    would drop its relations and read the centre again for the audit)."""
    from documents.models import DocumentFile

    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    with django_assert_max_num_queries(13):  # 20 before; SQLite counts its BEGIN IMMEDIATE
        result = services.document_generate(document_id=document.pk)

    stored = Document.objects.get(pk=document.pk)
    assert (result.status, result.sha256, result.file.name, result.finished_at) == (
        stored.status,
        stored.sha256,
        stored.file.name,
        stored.finished_at,
    )
    assert stored.status == Status.READY
    entry = AuditEntry.objects.get(action="cqpm.documents.document.generated")
    assert entry.centre_id == jury.campaign.centre_id
    assert list(DocumentFile.objects.filter(document=stored).values_list("sha256", flat=True)) == [
        stored.sha256
    ]


def test_it_does_nothing_the_second_time(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    services.document_generate(document_id=document.pk)
    before = Document.objects.get(pk=document.pk)

    assert services.document_generate(document_id=document.pk) is None

    after = Document.objects.get(pk=document.pk)
    assert (after.attempts, after.sha256, after.finished_at) == (
        1,
        before.sha256,
        before.finished_at,
    )
    assert len(media_files()) == 1


def test_it_leaves_a_freshly_claimed_job_to_its_worker(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    Document.objects.filter(pk=document.pk).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=1
    )

    with pytest.raises(services.DocumentBusy) as busy:
        services.document_generate(document_id=document.pk)

    assert 0 < busy.value.retry_in <= settings.CELERY_TASK_TIME_LIMIT + 1
    assert Document.objects.get(pk=document.pk).attempts == 1
    assert media_files() == []


def test_it_takes_over_a_job_left_running_by_a_dead_worker(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    Document.objects.filter(pk=document.pk).update(
        status=Status.RUNNING, started_at=long_ago, attempts=1
    )

    services.document_generate(document_id=document.pk)

    document.refresh_from_db()
    assert (document.status, document.attempts) == (Status.READY, 2)


def test_it_records_a_failure_with_its_reason_and_can_retry(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    # A certificate whose decision link was lost cannot be rendered.
    Document.objects.filter(pk=document.pk).update(decision=None)

    with pytest.raises(Decision.DoesNotExist):
        services.document_generate(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert document.error.startswith("Erreur de génération : DoesNotExist")
    assert media_files() == []

    Document.objects.filter(pk=document.pk).update(decision=jury.admissible)
    services.document_retry(document=document, by=staff_a)
    assert Document.objects.get(pk=document.pk).status == Status.QUEUED
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert (document.status, document.error, document.attempts) == (Status.READY, "", 2)


def test_it_refuses_to_retry_a_ready_or_fresh_running_document(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    Document.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=timezone.now())
    with pytest.raises(DomainError, match="en cours de génération"):
        services.document_retry(document=document, by=staff_a)

    Document.objects.filter(pk=document.pk).update(status=Status.READY)
    with pytest.raises(DomainError, match="Seul un document en échec"):
        services.document_retry(document=document, by=staff_a)


def test_it_revokes_with_a_reason_and_then_issues_a_new_version(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    services.document_generate(document_id=document.pk)

    with pytest.raises(DomainError, match="motif"):
        services.document_revoke(document=document, reason="  ", by=staff_a)
    assert Document.objects.get(pk=document.pk).status == Status.READY

    revoked = services.document_revoke(document=document, reason="Erreur d'état civil", by=staff_a)
    assert (revoked.status, revoked.revoked_reason) == (Status.REVOKED, "Erreur d'état civil")
    assert revoked.revoked_at is not None
    with pytest.raises(DomainError, match="Révoqué"):
        services.document_revoke(document=revoked, reason="encore", by=staff_a)

    renewed = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    assert renewed.pk != revoked.pk
    assert renewed.version == 2
    assert renewed.verification_code != revoked.verification_code


def test_it_queues_the_whole_session_in_one_batch(jury, staff_a, jury_president):
    excused = decide(session=jury.session, outcome=Decision.Outcome.EXCUSED, by=jury_president)

    batch = services.batch_request(jury_session=jury.session, by=staff_a)

    kinds = sorted(batch.documents.values_list("kind", flat=True))
    # The excused candidate is notified of the capacities acquired too (DESIGN.md §5.6).
    notices = [Kind.CAPACITY_NOTICE, Kind.CAPACITY_NOTICE]
    assert kinds == sorted([Kind.JURY_MINUTES, Kind.CERTIFICATE, *notices])
    notice = batch.documents.get(registration=excused.registration)
    assert "a constaté l'absence excusée de la candidate" in document_html(notice)
    assert services.batch_request(jury_session=jury.session, by=staff_a).pk == batch.pk
    assert batch_progress(batch=batch).complete is False


def test_it_archives_the_ready_documents_of_a_complete_batch_once(jury, staff_a):
    batch = services.batch_request(jury_session=jury.session, by=staff_a)
    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)
    assert batch_progress(batch=batch).complete

    archived = services.batch_archive(batch=batch)

    with zipfile.ZipFile(archived.archive.open("rb")) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
        assert all(archive.read(n).startswith(b"%PDF-") for n in names)
    again = services.batch_archive(batch=archived)
    assert again.archived_at == archived.archived_at
    assert not [p for p in media_files() if p.name.startswith(".partial-")]


def test_it_replaces_a_file_whole_never_leaving_a_partial_one(tmp_path):
    name = services.store_atomically("documents/essai.pdf", b"%PDF-ancien")
    services.store_atomically(name, b"%PDF-nouveau")

    assert [p.name for p in media_files()] == ["essai.pdf"]
    assert media_files()[0].read_bytes() == b"%PDF-nouveau"
