"""Bulk work pages: confirm a selection, start it, follow its progress (htmx polling)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .bulk import bulk_job_list_for, bulk_job_start, bulk_selection
from .errors import DomainError
from .permissions import get_scoped_or_404
from .registry import BulkAction, bulk_action

if TYPE_CHECKING:
    from accounts.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind login_required)."""
    return cast("User", request.user)


def _ids(request: HttpRequest) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("ids")]
    except ValueError as exc:
        raise Http404 from exc


def _resolve(request: HttpRequest, kind: str) -> tuple[BulkAction, Any, list[Any]]:
    """The action, its context and the selected items, or 404 when any is out of reach."""
    action = bulk_action(kind)
    if action is None:
        raise Http404
    context = None
    if action.context is not None:
        try:
            context = action.context(user=request.user, pk=int(request.POST.get("contexte", "")))
        except ValueError as exc:
            raise Http404 from exc
        if context is None:
            raise Http404
    if not action.scope(user=request.user, context=context).exists():
        raise Http404  # nothing this person may select: the action is out of their reach
    ids = _ids(request)
    items = bulk_selection(action=action, user=_user(request), context=context, item_ids=ids)
    if items is None:
        raise Http404
    return action, context, items


def _summary(action: BulkAction, count: int) -> str:
    return str(action.summary).format(count=count)


@login_required
@require_POST
def bulk_confirm(request: HttpRequest, kind: str) -> HttpResponse:
    """The confirmation step: what will happen, to whom, with counts; nothing is written."""
    try:
        action, context, items = _resolve(request, kind)
    except DomainError as error:
        return _back_with_error(request, kind, error)
    return render(
        request,
        "core/bulk_confirm.html",
        {
            "action": action,
            "context_pk": getattr(context, "pk", ""),
            "items": [(obj.pk, action.describe(obj)) for obj in items],
            "summary": _summary(action, len(items)),
            "back": action.back(context),
        },
    )


@login_required
@require_POST
def bulk_start(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        action, context, items = _resolve(request, kind)
        job = bulk_job_start(action=action, items=items, context=context, by=_user(request))
    except DomainError as error:
        return _back_with_error(request, kind, error)
    return redirect("core:bulk_job", pk=job.pk)


def _back_with_error(request: HttpRequest, kind: str, error: DomainError) -> HttpResponse:
    messages.error(request, error.message)
    action = bulk_action(kind)
    context = None
    if action is not None and action.context is not None:
        try:
            context = action.context(user=request.user, pk=int(request.POST.get("contexte", "")))
        except ValueError:
            context = None
    if action is None or (action.context is not None and context is None):
        raise Http404
    return redirect(action.back(context))


def _job_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    job = get_scoped_or_404(bulk_job_list_for(user=_user(request)), pk=pk)
    action = bulk_action(job.kind)
    back = ""
    if action is not None:
        context = None
        if action.context is not None:
            context = action.context(user=request.user, pk=job.context_id)
        if action.context is None or context is not None:
            back = action.back(context)
    return {"job": job, "back": back, "polling": not job.is_finished}


@login_required
@require_GET
def bulk_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/bulk_job.html", _job_context(request, pk))


@login_required
@require_GET
def bulk_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/_bulk_progress.html", _job_context(request, pk))
