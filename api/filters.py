"""Query parameters of the lists, checked like a body: a bad value is a French 400, never a 500."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.models import Campaign, Registration

MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.DATETIME)
class IsoDateTimeField(serializers.Field):
    """ISO 8601: `2025-01-31T08:00:00+01:00`, `…Z`, or a date (midnight, Paris time)."""

    default_error_messages = {
        "invalid": _(
            "Date invalide : format ISO 8601 attendu (par exemple 2025-01-31T08:00:00+01:00)."
        ),
    }

    def to_internal_value(self, data: Any) -> datetime.datetime:
        text = str(data).strip().replace(" ", "+")  # an unencoded « + » reads as a space
        try:
            value = parse_datetime(text)
            if value is None:
                day = parse_date(text)
                value = datetime.datetime.combine(day, datetime.time()) if day else None
        except ValueError:
            value = None
        if value is None or not 1900 <= value.year <= 9998:
            self.fail("invalid")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def to_representation(self, value: datetime.datetime) -> str:
        return value.isoformat()


class UpdatedSinceFilter(serializers.Serializer):
    updated_since = IsoDateTimeField(
        required=False,
        help_text=_(
            "Seulement les lignes modifiées depuis cet instant (ISO 8601), pour une "
            "synchronisation incrémentale : notez l'heure avant de commencer, reprenez-la "
            "la fois suivante."
        ),
    )


class RegistrationFilter(UpdatedSinceFilter):
    campaign = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Identifiant de campagne.")
    )
    stage = serializers.MultipleChoiceField(
        choices=Registration.Stage.choices,
        required=False,
        help_text=_("Étape(s) de l'inscription (paramètre répétable)."),
    )


class CampaignFilter(UpdatedSinceFilter):
    status = serializers.ChoiceField(
        choices=Campaign.Status.choices, required=False, help_text=_("Statut de la campagne.")
    )


class DecisionFilter(UpdatedSinceFilter):
    registration = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Identifiant d'inscription.")
    )
    campaign = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Identifiant de campagne.")
    )


class DocumentFilter(DecisionFilter):
    pass


def checked_filters(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The valid query parameters, or a ValidationError (400) naming the bad ones."""
    data: dict[str, Any] = {}
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.MultipleChoiceField):
            values = [v for raw in request.query_params.getlist(name) for v in raw.split(",") if v]
            if values:
                data[name] = values
        elif name in request.query_params:
            data[name] = request.query_params.get(name)
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def updated_since(queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
    if "updated_since" in filters:
        queryset = queryset.filter(updated_at__gte=filters["updated_since"])
    return queryset
