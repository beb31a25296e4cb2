"""Reads of webhooks, scoped by user: staff reach the endpoints and deliveries of their centres."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from candidates.models import ExamCentre
from cqpm.core.access import scope

from .models import Attempt, Delivery, Endpoint

if TYPE_CHECKING:
    from cqpm.core.access import User

RECENT = 50  # deliveries shown on a page


def endpoint_list_for(*, user: User) -> QuerySet[Endpoint]:
    return scope(user, "endpoint.manage", Endpoint.objects.all()).select_related("centre")


def delivery_list_for(*, user: User) -> QuerySet[Delivery]:
    return scope(user, "delivery.manage", Delivery.objects.all()).select_related("endpoint__centre")


def recent_deliveries(
    *, user: User, centre: ExamCentre | None = None, endpoint: Endpoint | None = None
) -> QuerySet[Delivery]:
    """The latest deliveries of one of the user's centres or endpoints, newest first."""
    deliveries = delivery_list_for(user=user).defer("payload")
    if centre is not None:
        deliveries = deliveries.filter(endpoint__centre=centre)
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return deliveries.order_by("-created_at", "-pk")[:RECENT]


def attempts_of(*, delivery: Delivery) -> QuerySet[Attempt]:
    return delivery.attempt_log.order_by("-number")
