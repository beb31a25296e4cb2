"""The daily retention run (settings.CELERY_BEAT_SCHEDULE["privacy-retention"]): thin, safe to run
twice (the report is one per day; a purged item is no longer due)."""

from celery import shared_task

from . import services


# Longer limits than the documents' renders: a run may anonymise many people at once; still far
# below the broker's visibility timeout (one hour).
@shared_task(acks_late=True, soft_time_limit=1200, time_limit=1500)
def run_retention() -> dict[str, int]:
    return services.retention_run()
