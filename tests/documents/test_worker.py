"""A real Celery worker (solo pool, in a thread) runs the tasks, each of them twice.

Locally it consumes a private folder of kombu's filesystem transport; in CI, where
CELERY_BROKER_URL is redis://, it consumes Redis.
"""

import datetime
import zipfile

import pytest
from django.conf import settings
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentBatch
from documents.tasks import build_batch_archive, generate_document, requeue_documents

from ..celery_support import wait_for, wait_idle
from .conftest import all_finished

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
Status = Document.Status


def test_it_generates_a_whole_batch_and_its_archive_once(live_worker, jury, staff_a):
    batch = services.batch_request(jury_session=jury.session, by=staff_a)  # queued on commit
    ids = list(batch.documents.values_list("pk", flat=True))
    for document_id in ids:
        generate_document.delay(document_id)  # every task a second time

    wait_for(lambda: all_finished(*ids))
    wait_for(lambda: DocumentBatch.objects.get(pk=batch.pk).archive_key != "")
    build_batch_archive.delay(batch.pk)
    generate_document.delay(ids[0])

    documents = list(Document.objects.filter(pk__in=ids))
    assert {d.status for d in documents} == {Status.READY}
    assert [d.attempts for d in documents] == [1, 1, 1]
    batch.refresh_from_db()
    with zipfile.ZipFile(batch.archive.open("rb")) as archive:
        assert len(archive.namelist()) == 3
    archived_at = batch.archived_at
    # Give the duplicated messages time to run, then check they changed nothing.
    _drain(live_worker)
    batch.refresh_from_db()
    assert batch.archived_at == archived_at
    assert Document.objects.get(pk=ids[0]).attempts == 1


def test_it_redoes_a_job_left_running_by_a_killed_worker(live_worker, jury, staff_a):
    document = services.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    wait_for(lambda: all_finished(document.pk))
    # What a worker killed mid-render leaves: a running claim as old as the hard time limit,
    # and (acks_late + reject_on_worker_lost) the same message delivered again.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    Document.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=long_ago)

    generate_document.delay(document.pk)
    generate_document.delay(document.pk)

    wait_for(lambda: all_finished(document.pk))
    _drain(live_worker)
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Status.READY, 2)
    assert document.file.read().startswith(b"%PDF-")


def test_it_records_a_failure_and_does_not_retry_it_blindly(live_worker, jury, staff_a):
    document = services.document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a
    )
    wait_for(lambda: all_finished(document.pk))
    Document.objects.filter(pk=document.pk).update(status=Status.QUEUED, decision=None)

    generate_document.delay(document.pk)

    wait_for(lambda: Document.objects.get(pk=document.pk).status == Status.FAILED)
    _drain(live_worker)
    document.refresh_from_db()
    assert document.error.startswith("Erreur de génération : DoesNotExist")
    assert document.attempts == 2


def test_a_batch_with_nothing_to_render_gets_its_archive_at_once(live_worker, jury, staff_a):
    first = services.batch_request(jury_session=jury.session, by=staff_a)
    ids = list(first.documents.values_list("pk", flat=True))
    wait_for(lambda: DocumentBatch.objects.get(pk=first.pk).archive_key != "")

    second = services.batch_request(jury_session=jury.session, by=staff_a)

    # Every document was ready: no render finishes to trigger the archive, it is queued at once.
    assert second.pk != first.pk
    wait_for(lambda: DocumentBatch.objects.get(pk=second.pk).archive_key != "", timeout=30)
    second.refresh_from_db()
    with zipfile.ZipFile(second.archive.open("rb")) as archive:
        assert len(archive.namelist()) == 3
    assert sorted(second.documents.values_list("pk", flat=True)) == sorted(ids)
    # The previous archive was not touched meanwhile.
    first.refresh_from_db()
    assert first.archive and first.archive.name != second.archive.name


def test_the_periodic_requeue_runs_in_the_worker_and_delivers_a_lost_render(
    live_worker, jury, staff_a
):
    document = services.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    wait_for(lambda: all_finished(document.pk))
    # Queued again, but the broker refused the message (what cqpm.core.queueing leaves).
    Document.objects.filter(pk=document.pk).update(status=Status.QUEUED, queued_at=None)
    schedule = settings.CELERY_BEAT_SCHEDULE["documents-requeue"]
    assert schedule["task"] == requeue_documents.name

    requeue_documents.delay()

    wait_for(lambda: all_finished(document.pk))
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Status.READY, 2)
    assert document.queued_at is not None


def _drain(worker):
    """Let the duplicated messages run before checking they changed nothing."""
    wait_idle(worker)
