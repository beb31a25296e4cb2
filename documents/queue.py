"""Handing the documents' work to the worker, by task name: the services and the signatures
queue a generation or an archive here, without importing documents.tasks (which imports them)."""

from functools import partial

from cqpm.core.queueing import enqueue_on_commit, task_named

from .models import Document

GENERATE = "documents.tasks.generate_document"
ARCHIVE = "documents.tasks.build_batch_archive"


def enqueue_generation(document_id: int) -> None:
    """Render the document in a worker after the commit (a refused send: periodic requeue)."""
    enqueue_on_commit(GENERATE, document_id, on_failure=partial(_mark_unsent, document_id))


def enqueue_archive(batch_id: int) -> None:
    # Outside a transaction this sends at once; a refused send is left to the periodic requeue.
    enqueue_on_commit(ARCHIVE, batch_id)


def send_now(name: str, *args: object) -> None:
    """Hand a task to the broker at once (the periodic requeue); raises when it is down."""
    task_named(name).apply_async(args)


def _mark_unsent(document_id: int) -> None:
    # After the commit, when the broker refused the message: the periodic requeue sends the
    # documents without a queued_at first.
    Document.objects.filter(pk=document_id, status=Document.Status.QUEUED).update(queued_at=None)
