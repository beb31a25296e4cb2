"""Thin Celery tasks of the shared app: they take ids and call one service. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import bulk, mail


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    max_retries=3,
    retry_backoff=2,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def bulk_job_run(job_id: int) -> None:
    job = bulk.bulk_job_run(job_id=job_id)
    if job is not None and not job.is_finished:
        bulk_job_run.delay(job_id)  # the rest, in a fresh task within its time limits


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=2,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def send_pending_mail() -> dict[str, list[int]]:
    """The outbox's periodic flush (beat): mail its after-commit delivery could not send."""
    return mail.mail_flush()
