"""The statistics pages (the branch: every centre; a centre's staff: their own), their
downloads, the public obtention rate of a centre for a CQPM, and the branch's list of the
transmissions it receives. Anyone out of reach gets 404."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET, require_POST, require_safe

from candidates.models import ExamCentre
from cqpm.core.permissions import get_scoped_or_404
from referentials.models import Referential
from transmissions.forms import AcknowledgementForm
from transmissions.views import acknowledge_from_form

from . import exports, report, selectors
from .charts import draw
from .forms import StatisticsFilterForm
from .suppression import HIDDEN, THRESHOLD

PAGE_SIZE = 50
PUBLIC_MAX_AGE = 3600


def _scope_or_404(request) -> selectors.Scope:
    scope = selectors.statistics_scope_for(user=request.user)
    if scope is None:
        raise Http404
    return scope


def _report(request):
    scope = _scope_or_404(request)
    default_group = "centre" if scope.national else "cqpm"
    form = StatisticsFilterForm(request.GET or None, scope=scope, default_group=default_group)
    filters, group = form.filters()
    return scope, form, filters, group, report.report_for(scope=scope, filters=filters, group=group)


@login_required
@require_GET
def dashboard(request):
    scope, form, filters, group, tables = _report(request)
    charts = {t.key: draw(t.chart, dom_id=f"graphique-{t.key}") for t in tables if t.chart}
    context = {
        "scope": scope,
        "form": form,
        "tables": [(table, charts.get(table.key)) for table in tables],
        "query": request.GET.urlencode(),
        "needs_cqpm": not filters.cqpm,
        "threshold": THRESHOLD,
        "public_pages": [
            {**row, "url": public_rate_url(row["centre__code"], row["referential_code"])}
            for row in selectors.public_pages_for(scope=scope)
        ],
    }
    return render(request, "stats/dashboard.html", context)


def public_rate_url(centre_code: str, referential_code: str) -> str:
    """The stable address of a centre's public rate for a CQPM (spaces of the code as dashes)."""
    return reverse("stats:public_rate", args=[centre_code, referential_code.replace(" ", "-")])


@login_required
@require_GET
def export(request):
    _scope, _form, _filters, _group, tables = _report(request)
    table, fmt = request.GET.get("tableau", "resultats"), request.GET.get("format", "csv")
    chosen = next((t for t in tables if t.key == table), None)
    if chosen is None or fmt not in ("csv", "xlsx"):
        raise Http404
    name = f"statistiques-{chosen.key}"
    if fmt == "csv":
        return exports.csv_response(chosen, name)
    return exports.xlsx_response(chosen, name)


@require_safe
def public_rate(request, centre: str, cqpm: str):
    """Citable (Qualiopi indicator 3): a centre's obtention rate for a CQPM over the last
    12 months with its denominator, suppressed when small; the same for everyone, cacheable."""
    place = get_object_or_404(ExamCentre, code=centre)
    code = cqpm.replace("-", " ")
    referential = (
        Referential.objects.filter(code=code, status=Referential.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if referential is None:
        raise Http404
    counts = selectors.public_rate_counts(centre=place, code=code)
    presented = counts["admissible"] + counts["partial"]
    small = presented < THRESHOLD
    # The rate with its denominator gives both counts back: each must reach the threshold.
    hidden_rate = small or min(counts["admissible"], counts["partial"]) < THRESHOLD
    context = {
        "centre": place,
        "referential": referential,
        "start": counts["start"],
        "end": counts["end"],
        "presented": HIDDEN if small else presented,
        "rate": None if hidden_rate else report.percent(100 * counts["admissible"] / presented),
        "hidden": HIDDEN,
    }
    # Rendered without the request: no session, no CSRF token, the same page for everyone.
    response = HttpResponse(render_to_string("stats/public_rate.html", context))
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return get_conditional_response(request, etag=etag, response=response) or response


@login_required
@require_GET
def inbox(request):
    if not selectors.is_branch(request.user):
        raise Http404
    page = Paginator(selectors.received_sendings_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stats/inbox.html",
        {"page": page, "acknowledgement_form": AcknowledgementForm()},
    )


@login_required
@require_POST
def inbox_acknowledge(request, pk: int):
    """The GTP's acknowledgement of receipt, given from its list through the transmissions
    service (the same rule and checks as when a centre attaches it)."""
    sending = get_scoped_or_404(selectors.received_sendings_for(user=request.user), pk=pk)
    acknowledge_from_form(request, sending)
    return redirect("stats:inbox")
