"""Staff pages of a centre's webhooks: endpoints, recent deliveries, replay and test."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from candidates.selectors import centre_list_for
from candidates.views._fetch import centre_for, staff_required
from cqpm.core.actions import object_action
from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404

from . import selectors, services
from .forms import EndpointForm
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER


def _endpoint_for(request, pk):
    return get_scoped_or_404(selectors.endpoint_list_for(user=request.user), pk=pk)


def _delivery_for(request, pk):
    return get_scoped_or_404(selectors.delivery_list_for(user=request.user), pk=pk)


@staff_required
@require_GET
def index(request):
    centres = list(centre_list_for(user=request.user).order_by("name"))
    if len(centres) == 1:
        return redirect("webhooks:centre", pk=centres[0].pk)
    return render(request, "webhooks/index.html", {"centres": centres})


@staff_required
@require_GET
def centre_webhooks(request, pk: int):
    centre = centre_for(request, pk)
    context = {
        "centre": centre,
        "endpoints": selectors.endpoint_list_for(user=request.user).filter(centre=centre),
        "deliveries": selectors.recent_deliveries(user=request.user, centre=centre),
    }
    return render(request, "webhooks/centre.html", context)


@staff_required
def endpoint_create(request, pk: int):
    centre = centre_for(request, pk)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(centre=centre, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("Le point de réception est enregistré. Copiez son secret de signature."),
            )
            return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "centre": centre})


@staff_required
def endpoint_update(request, pk: int):
    endpoint = _endpoint_for(request, pk)
    form = EndpointForm.for_endpoint(endpoint, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Le point de réception est modifié."))
            return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    context = {"form": form, "centre": endpoint.centre, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context)


@staff_required
@require_GET
@never_cache
def endpoint_detail(request, pk: int):
    endpoint = _endpoint_for(request, pk)
    context = {
        "endpoint": endpoint,
        "centre": endpoint.centre,
        "deliveries": selectors.recent_deliveries(user=request.user, endpoint=endpoint),
        "headers": {"signature": SIGNATURE_HEADER, "event": EVENT_HEADER},
    }
    return render(request, "webhooks/endpoint_detail.html", context)


def _back_to_endpoint(endpoint) -> str:
    return reverse("webhooks:endpoint_detail", args=[endpoint.pk])


endpoint_rotate = staff_required(
    object_action(
        lambda request, pk: _endpoint_for(request, pk),
        lambda endpoint, by: services.endpoint_rotate_secret(endpoint=endpoint, by=by),
        success=_lazy(
            "Un nouveau secret de signature est en service : mettez-le à jour dans votre logiciel."
        ),
        back=_back_to_endpoint,
    )
)

endpoint_ping = staff_required(
    object_action(
        lambda request, pk: _endpoint_for(request, pk),
        lambda endpoint, by: services.endpoint_ping(endpoint=endpoint, by=by),
        success=_lazy("Le test de connexion est envoyé : son résultat s'affiche ci-dessous."),
        back=_back_to_endpoint,
    )
)


@staff_required
@require_GET
def delivery_detail(request, pk: int):
    delivery = _delivery_for(request, pk)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "centre": delivery.endpoint.centre,
        "attempts": selectors.attempts_of(delivery=delivery),
        "body": json.dumps(delivery.payload, indent=2, ensure_ascii=False, sort_keys=True),
        "delivery_header": DELIVERY_HEADER,
    }
    return render(request, "webhooks/delivery_detail.html", context)


delivery_replay = staff_required(
    object_action(
        lambda request, pk: _delivery_for(request, pk),
        lambda delivery, by: services.delivery_replay(delivery=delivery, by=by),
        success=_lazy("L'envoi est rejoué : une nouvelle tentative part dans un instant."),
        back=lambda delivery: reverse("webhooks:delivery_detail", args=[delivery.pk]),
    )
)
