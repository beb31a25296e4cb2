"""Celery tasks: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services.opinions import opinion_reminders_send


@shared_task(name="evaluations.tasks.send_opinion_reminders")
def send_opinion_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders never repeat for the same deadline and kind."""
    return opinion_reminders_send()
