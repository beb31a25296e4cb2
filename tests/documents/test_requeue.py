"""Nothing stays stuck: the periodic requeue (beat, every minute) sends again what the queue lost,
puts the renders of dead workers back in the queue, and rebuilds archives left behind."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from documents import services
from documents.models import Document, DocumentBatch
from documents.tasks import requeue_documents

Kind = Document.Kind
Status = Document.Status


def _ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _certificate(jury, by):
    return services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=by)


def test_it_sends_again_a_document_the_broker_never_took(jury, staff_a):
    document = _certificate(jury, staff_a)
    # What a refused send leaves (cqpm.core.queueing): still queued, never handed over.
    Document.objects.filter(pk=document.pk).update(queued_at=None)

    report = requeue_documents()

    document.refresh_from_db()
    assert report["resent"] == [document.pk]
    assert document.status == Status.QUEUED and document.queued_at is not None
    # Sent once: a second run within the threshold sends nothing again.
    assert requeue_documents()["resent"] == []


def test_it_leaves_alone_a_document_queued_a_moment_ago(jury, staff_a):
    _certificate(jury, staff_a)

    assert requeue_documents() == {"failed": [], "healed": [], "resent": [], "archives": []}


def test_it_sends_again_a_document_waiting_past_the_threshold(jury, staff_a):
    document = _certificate(jury, staff_a)
    Document.objects.filter(pk=document.pk).update(
        queued_at=_ago(settings.DOCUMENTS_REQUEUE_AFTER + 1)
    )

    assert requeue_documents()["resent"] == [document.pk]
    assert Document.objects.get(pk=document.pk).queued_at > _ago(5)


def test_it_puts_a_render_of_a_dead_worker_back_in_the_queue(jury, staff_a):
    document = _certificate(jury, staff_a)
    started = _ago(settings.CELERY_TASK_TIME_LIMIT + 1)
    Document.objects.filter(pk=document.pk).update(
        status=Status.RUNNING, started_at=started, attempts=1
    )

    report = requeue_documents()

    document.refresh_from_db()
    assert report["healed"] == [document.pk]
    assert (document.status, document.started_at) == (Status.QUEUED, None)
    entry = AuditEntry.objects.get(action="cqpm.documents.document.requeued")
    assert entry.data == {"before": Status.RUNNING, "after": Status.QUEUED}
    assert requeue_documents()["healed"] == []


def test_it_does_not_touch_a_render_still_within_its_time_limit(jury, staff_a):
    document = _certificate(jury, staff_a)
    Document.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=_ago(10))

    requeue_documents()

    assert Document.objects.get(pk=document.pk).status == Status.RUNNING


def test_a_render_interrupted_again_and_again_ends_failed_not_in_a_loop(jury, staff_a):
    document = _certificate(jury, staff_a)
    Document.objects.filter(pk=document.pk).update(
        status=Status.RUNNING,
        started_at=_ago(settings.CELERY_TASK_TIME_LIMIT + 1),
        attempts=settings.DOCUMENTS_MAX_ATTEMPTS,
    )

    report = requeue_documents()

    document.refresh_from_db()
    assert report["failed"] == [document.pk] and report["healed"] == []
    assert document.status == Status.FAILED
    assert document.error.startswith("La génération a été interrompue 3 fois")
    # A message delivered again after that does not start it over either.
    assert services.document_generate(document_id=document.pk) is None
    assert Document.objects.get(pk=document.pk).attempts == settings.DOCUMENTS_MAX_ATTEMPTS


def test_a_message_delivered_again_fails_an_exhausted_render_at_once(jury, staff_a):
    document = _certificate(jury, staff_a)
    Document.objects.filter(pk=document.pk).update(
        status=Status.RUNNING,
        started_at=_ago(settings.CELERY_TASK_TIME_LIMIT + 1),
        attempts=settings.DOCUMENTS_MAX_ATTEMPTS,
    )

    assert services.document_generate(document_id=document.pk) is None

    assert Document.objects.get(pk=document.pk).status == Status.FAILED


def test_a_failing_render_is_marked_failed_at_once_with_a_french_reason(jury, staff_a):
    document = _certificate(jury, staff_a)
    # The decision it attests has gone: the render cannot find what to print.
    Document.objects.filter(pk=document.pk).update(decision=None)

    with pytest.raises(Decision.DoesNotExist):  # re-raised for Celery to see
        services.document_generate(document_id=document.pk)
    document.refresh_from_db()

    assert document.status == Status.FAILED
    assert document.error.startswith("Erreur de génération : ")
    assert document.finished_at is not None
    assert AuditEntry.objects.filter(action="cqpm.documents.document.failed").count() == 1


def test_it_rebuilds_an_archive_left_behind(jury, staff_a):
    batch = services.batch_request(jury_session=jury.session, by=staff_a)
    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)

    assert requeue_documents()["archives"] == [batch.pk]  # no archive yet
    services.batch_archive(batch=batch)
    assert requeue_documents()["archives"] == []
    # A document of the batch revoked since: the archive no longer holds exactly its documents.
    certificate = batch.documents.get(kind=Kind.CERTIFICATE)
    services.document_revoke(document=certificate, reason="Erreur de nom.", by=staff_a)
    assert requeue_documents()["archives"] == [batch.pk]
    services.batch_archive(batch=DocumentBatch.objects.get(pk=batch.pk))
    assert requeue_documents()["archives"] == []


def test_it_does_not_rebuild_an_archive_whose_documents_are_pending(jury, staff_a):
    services.batch_request(jury_session=jury.session, by=staff_a)

    assert requeue_documents()["archives"] == []
