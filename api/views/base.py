"""What every resource of the API shares: a scoped queryset, ids checked before the database."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import renderers, viewsets
from rest_framework.exceptions import NotFound

from cqpm.core.permissions import get_scoped_or_404

from ..filters import checked_filters, updated_since

MAX_ID = 2**63 - 1


def checked_id(raw: Any) -> int:
    """An id from the URL, or 404 (never a database error for « abc » or 10**30)."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise NotFound(_("Objet introuvable."))
    return int(text)


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and objects come from `scoped()`, the user's selector; outsiders get 404.

    A resource declares its `selector` (user → queryset), the `filters` its list accepts (a
    serializer of query parameters, checked: 400 on a bad one) and `lookups`, the queryset
    filter each parameter sets; `updated_since` is applied wherever the filters declare it."""

    selector: Any = None  # a scoped selector: selector(user=...) -> QuerySet
    filters: Any = None
    lookups: dict[str, str] = {}

    def scoped(self) -> QuerySet:
        qs: QuerySet = type(self).selector(user=self.request.user)
        if self.action != "list" or self.filters is None:
            return qs
        given = checked_filters(self.filters, self.request)
        for name, lookup in self.lookups.items():
            value = given.get(name)
            if value is None or value == "" or (isinstance(value, set | list) and not value):
                continue  # not asked for (an empty choice list asks nothing either)
            qs = qs.filter(**{lookup: sorted(value) if isinstance(value, set | list) else value})
        return updated_since(qs, given)

    def get_queryset(self) -> QuerySet:
        return self.scoped()

    def object_from(self, queryset: QuerySet) -> Any:
        return get_scoped_or_404(queryset, pk=checked_id(self.kwargs.get("pk")))

    def get_object(self) -> Any:
        return self.object_from(self.get_queryset())


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; errors still come out as JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()
