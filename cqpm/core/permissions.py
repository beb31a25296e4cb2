"""Fetch-or-deny: every object a view touches comes from a queryset already scoped to the user."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_scoped_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Return the object if it is in the user's scope; outsiders get a 404, never a 403."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
