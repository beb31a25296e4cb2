"""Thin Celery tasks: they take ids and call one service. Safe to run twice.

`acks_late` with the settings' `task_reject_on_worker_lost`: a worker killed during a render
leaves the message to be delivered again, and the stale claim is taken over (services.stale_after).
What the broker never got or lost is sent again by `requeue_documents`, which beat runs every
minute (settings.CELERY_BEAT_SCHEDULE).
"""

from typing import Any, TypedDict

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import convocations, services
from .models import DocumentBatch

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class TaskOptions(TypedDict):
    acks_late: bool
    autoretry_for: tuple[type[BaseException], ...]
    max_retries: int
    retry_backoff: int
    retry_backoff_max: int
    retry_jitter: bool
    soft_time_limit: int
    time_limit: int


COMMON: TaskOptions = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": 3,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


@shared_task(bind=True, **COMMON)
def generate_document(self: Task[Any, Any], document_id: int) -> None:
    try:
        services.document_generate(document_id=document_id)
    except services.DocumentBusy as busy:
        # Another worker holds a fresh claim: look again once it is done or stale. This waits
        # at most one time limit, so it is bounded even though it does not count as a retry.
        raise self.retry(
            countdown=busy.retry_in, max_retries=self.request.retries + 1, exc=busy
        ) from None


@shared_task(bind=True, **COMMON)
def build_batch_archive(self: Task[Any, Any], batch_id: int) -> None:
    batch = DocumentBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        services.batch_archive(batch=batch)


@shared_task(
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def requeue_documents() -> dict[str, list[int]]:
    return services.documents_requeue()


@shared_task(**COMMON)
def send_convocation(registration_id: int, kind: str, by_id: int | None = None) -> None:
    """Convoke again after a change of date; skipped when the candidate already holds it."""
    convocations.convocation_resend(registration_id=registration_id, kind=kind, by_id=by_id)
