"""Thin Celery tasks: they take ids and call one service. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="transmissions.tasks.build_pack",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def build_pack(pack_id: int) -> str:
    """Build the pack's ZIP when its documents are ready ("waiting" otherwise: the documents'
    ready hook queues this again)."""
    return services.pack_build(pack_id=pack_id)


@shared_task(name="transmissions.tasks.send_pack_reminders", acks_late=True)
def send_pack_reminders() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE): staff reminded a month and a week before the GTP due date
    (each reminder once), and builds left pending queued again."""
    return {
        "reminders": services.pack_reminders_send(),
        "builds": len(services.packs_build_pending()),
    }


@shared_task(name="transmissions.tasks.send_expiry_notices", acks_late=True)
def send_expiry_notices() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): holders and staff told two months before acquired
    capacities and validated blocks lapse, once per result and once per block."""
    return services.expiry_notices_send()
