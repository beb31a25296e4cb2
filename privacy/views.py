"""Staff pages for a person's data (export, rectification, erasure), the retention report, and
the public privacy notice."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from candidates.forms import identity_initial
from candidates.services import PersonData
from candidates.views._fetch import staff_required
from cqpm.core.access import scope, scope_ids
from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404

from . import selectors, services
from .export import personal_data_export
from .forms import CorrectionForm, EmailSearchForm, ErasureForm
from .rendering import export_pdf


def _person_for(request, pk):
    return get_scoped_or_404(selectors.person_list_for(user=request.user), pk=pk)


@staff_required
@require_GET
def person_search(request):
    form = EmailSearchForm(request.GET or None)
    people = None
    if form.is_valid():
        people = selectors.person_search_for(user=request.user, email=form.cleaned_data["email"])
    return render(request, "privacy/person_search.html", {"form": form, "people": people})


@staff_required
@require_GET
def person_detail(request, pk):
    person = _person_for(request, pk)
    registrations = scope(
        request.user, "registration.manage", person.registrations.all()
    ).select_related("campaign__centre")
    return render(
        request,
        "privacy/person_detail.html",
        {"person": person, "registrations": registrations, "erased": hasattr(person, "erasure")},
    )


def _export(request, person, fmt: str) -> dict:
    services.person_export_record(candidate=person, fmt=fmt, by=request.user)
    return personal_data_export(
        email=person.email, candidates=[person], centre_ids=scope_ids(request.user, "centre.manage")
    )


@staff_required
@require_GET
def person_export(request, pk, fmt):
    person = _person_for(request, pk)
    if fmt not in ("json", "pdf"):
        raise Http404
    data = _export(request, person, fmt)
    name = f"donnees-personnelles-{person.pk}.{fmt}"
    if fmt == "json":
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(export_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def person_correct(request, pk):
    person = _person_for(request, pk)
    initial = {
        name: getattr(person, name)
        for name in (
            "civility",
            "last_name",
            "first_name",
            "birth_date",
            "email",
            "phone",
            "address",
        )
    }
    initial.update(identity_initial(person))
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            services.person_correct(
                candidate=person, person=PersonData(**values), reason=reason, by=request.user
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Les données de la personne ont été rectifiées."))
            return redirect("privacy:person_detail", pk=person.pk)
    return render(request, "privacy/person_correct.html", {"person": person, "form": form})


@staff_required
def person_erase(request, pk):
    person = _person_for(request, pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(candidate=person, by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Les données personnelles ont été effacées."))
            return redirect("privacy:person_detail", pk=person.pk)
    return render(request, "privacy/person_erase.html", {"person": person, "form": form})


@staff_required
@require_GET
def retention_report(request):
    report, items = selectors.retention_report_for(user=request.user)
    return render(
        request,
        "privacy/retention_report.html",
        {
            "report": report,
            "items": items,
            "people": [i for i in items if i.kind == "person"],
            "evidence": [i for i in items if i.kind == "evidence"],
            "settings": _retention_settings(),
        },
    )


def _retention_settings() -> dict:
    return {
        "uncertified_years": settings.CQPM_RETENTION_UNCERTIFIED_YEARS,
        "evidence_years": settings.CQPM_RETENTION_EVIDENCE_YEARS,
        "notice_days": settings.CQPM_RETENTION_NOTICE_DAYS,
        "dpo_contact": settings.CQPM_DPO_CONTACT,
    }


@require_GET
def privacy_notice(request):
    return render(request, "privacy/notice.html", _retention_settings())
