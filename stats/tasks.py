"""Thin Celery tasks: they take ids and call one service. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="stats.tasks.check_arrival",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=2,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def check_arrival(sending_id: int) -> str:
    """Hash again the archive a centre recorded as sent to the GTP, and each file it holds."""
    return services.arrival_check(sending_id=sending_id)


@shared_task(name="stats.tasks.check_pending_arrivals", acks_late=True)
def check_pending_arrivals() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): arrivals still pending an hour on are checked here."""
    return services.arrivals_check_pending()
