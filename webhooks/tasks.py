"""Thin Celery tasks: they take ids and call one service. Safe to run twice (an attempt is
claimed with a conditional UPDATE).

`deliver_webhook` retries with the back-off the service computes (Celery's `retry` with a
countdown); the service's counter caps a round at WEBHOOKS_MAX_ATTEMPTS, and Celery's
max_retries is the same number as a backstop. What the broker never got or lost is sent again
by `requeue_deliveries`, which beat runs every minute (settings.CELERY_BEAT_SCHEDULE).
"""

from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=settings.WEBHOOKS_MAX_ATTEMPTS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def deliver_webhook(self: Task[Any, Any], delivery_id: int) -> str:
    outcome = services.delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=settings.WEBHOOKS_MAX_ATTEMPTS)
    return outcome.status


@shared_task(
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def requeue_deliveries() -> dict[str, list[int]]:
    return services.deliveries_requeue()
