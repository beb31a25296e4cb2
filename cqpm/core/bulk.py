"""Bulk work: a confirmed selection becomes a BulkJob that a worker runs item by item.

Each item goes through the action's own service (the one the single action calls), in its own
transaction together with the job's counter: a refusal (DomainError) rolls back that item only
and is recorded with its French reason, and a rerun of the task resumes after the last item
recorded, so running it twice never does an item twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import DomainError
from .models import BulkJob
from .queueing import enqueue_on_commit
from .registry import BulkAction, bulk_action

if TYPE_CHECKING:
    from accounts.models import User

MAX_ITEMS = 1000
# One run of the task stays far below the Celery time limits; it queues the rest of the job.
BUDGET_SECONDS = 30.0


def bulk_selection(
    *, action: BulkAction, user: User, context: Any, item_ids: Sequence[int]
) -> list[Any] | None:
    """The selected items in the user's reach, in the order given, or None when one is not
    (the caller answers 404); an empty selection or one over MAX_ITEMS raises DomainError."""
    wanted = list(dict.fromkeys(item_ids))
    if not wanted:
        raise DomainError(_("Cochez au moins une ligne."))
    if len(wanted) > MAX_ITEMS:
        raise DomainError(
            _("Au plus %(max)s lignes peuvent être traitées à la fois.") % {"max": MAX_ITEMS}
        )
    found = {obj.pk: obj for obj in action.scope(user=user, context=context).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        return None
    return [found[pk] for pk in wanted]


def bulk_job_start(*, action: BulkAction, items: Sequence[Any], context: Any, by: User) -> BulkJob:
    """Record the job and queue its run after the commit; items come from `bulk_selection`."""
    centre_id = action.centre_of(context if context is not None else items[0])
    with transaction.atomic():
        job = BulkJob.objects.create(
            kind=action.kind,
            title=str(action.title),
            created_by=by,
            context_id=getattr(context, "pk", None),
            centre_id=centre_id,
            item_ids=[obj.pk for obj in items],
            total=len(items),
        )
        audit_log(
            action="cqpm.bulk.started",
            obj=job,
            by=by,
            data={"kind": action.kind, "total": job.total},
            centre_id=centre_id,
        )
        enqueue_on_commit("cqpm.core.tasks.bulk_job_run", job.pk)
    return job


def bulk_job_run(*, job_id: int, budget: float = BUDGET_SECONDS) -> BulkJob | None:
    """Run the job's remaining items for at most about `budget` seconds (the caller queues the
    rest); safe to run twice (a finished job is left as it is)."""
    started = time.monotonic()
    job = BulkJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    action = bulk_action(job.kind)
    BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING
    )
    context = None
    if action is not None and action.context is not None:
        context = action.context(user=job.created_by, pk=job.context_id)
    while True:
        job.refresh_from_db(fields=["done", "failures", "status"])
        index = job.processed
        if index >= job.total:
            break
        if time.monotonic() - started > budget:
            return job
        _run_item(job=job, action=action, context=context, index=index)
    BulkJob.objects.filter(pk=job.pk).exclude(status=BulkJob.Status.DONE).update(
        status=BulkJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _run_item(*, job: BulkJob, action: BulkAction | None, context: Any, index: int) -> None:
    item_id = job.item_ids[index]
    label = _("Élément n° %(id)s") % {"id": item_id}
    try:
        with transaction.atomic():
            locked = BulkJob.objects.select_for_update().get(pk=job.pk)
            if locked.processed != index:  # another run took this item meanwhile
                return
            obj = _item(job=job, action=action, context=context, item_id=item_id)
            label = action.describe(obj) if action else label
            action.run(obj=obj, by=job.created_by, context=context)  # type: ignore[union-attr]
            locked.done += 1
            locked.save(update_fields=["done", "updated_at"])
    except DomainError as error:
        with transaction.atomic():
            locked = BulkJob.objects.select_for_update().get(pk=job.pk)
            if locked.processed != index:
                return
            locked.failures = [
                *locked.failures,
                {"id": item_id, "label": label, "message": str(error.message)},
            ]
            locked.save(update_fields=["failures", "updated_at"])


def _item(*, job: BulkJob, action: BulkAction | None, context: Any, item_id: int) -> Any:
    """The item, still in its requester's reach; DomainError once it is not (or the action left)."""
    if action is None or (action.context is not None and context is None):
        raise DomainError(_("Cette action n'est plus disponible."))
    obj = action.scope(user=job.created_by, context=context).filter(pk=item_id).first()
    if obj is None:
        raise DomainError(_("Cet élément n'est plus accessible."))
    return obj


def bulk_job_list_for(*, user: User) -> QuerySet[BulkJob]:
    """The jobs a person started (only theirs: progress is never shown to anyone else)."""
    if not getattr(user, "is_authenticated", False):
        return BulkJob.objects.none()
    return BulkJob.objects.filter(created_by=user)
