"""The candidate's pages: each object comes from the candidate's own scope (selectors), so
another person's id answers 404; each write calls one service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404
from documents.calendar import MEDIA_TYPE, convocation_ics, ics_filename
from documents.kinds import convocation_kind
from evaluations.services.reports import report_is_late
from privacy.rendering import export_pdf

from . import selectors, services
from .forms import CandidateReportForm, ConvocationAnswerForm, CorrectionRequestForm
from .home import candidate_tasks
from .results import results_for


def _own(request, pk):
    return get_scoped_or_404(selectors.own_registrations(user=request.user), pk=pk)


@login_required
def home(request):
    if not selectors.is_candidate(user=request.user):
        raise Http404
    registrations = list(selectors.own_registrations_listed(user=request.user))
    context = {"registrations": registrations, "tasks": candidate_tasks(request.user)}
    return render(request, "portal/home.html", context)


@login_required
def registration(request, pk):
    reg = _own(request, pk)
    context = {
        "view": selectors.registration_view(registration=reg),
        "results": results_for(registration=reg),
        "report_form": CandidateReportForm(),
        "deadline_passed": report_is_late(registration=reg),
        "today": timezone.localdate(),
    }
    return render(request, "portal/registration.html", context)


@login_required
def report(request, pk):
    reg = _own(request, pk)
    form = CandidateReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            done = services.candidate_report_upload(
                registration=reg, upload=upload, original_name=upload.name, by=request.user
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Votre rapport est bien reçu (version %(version)s).") % {"version": done.version},
            )
            return redirect("portal:registration", pk=reg.pk)
    context = {
        "registration": reg,
        "form": form,
        "reports": reg.reports.order_by("-version"),
        "deadline_passed": report_is_late(registration=reg),
    }
    return render(request, "portal/report.html", context, status=200)


def _own_convocation(request, pk):
    return get_scoped_or_404(selectors.own_convocations(user=request.user), pk=pk)


@login_required
def convocation(request, pk):
    convocation = _own_convocation(request, pk)
    answer = getattr(convocation, "candidate_answer", None)
    initial = {"answer": answer.answer, "reason": answer.reason} if answer else None
    form = ConvocationAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.convocation_answer(
                convocation=convocation,
                by=request.user,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Votre réponse est transmise au centre d'examen."))
            return redirect("portal:registration", pk=convocation.registration_id)
    context = {
        "convocation": convocation,
        "registration": convocation.registration,
        "answer": answer,
        "form": form,
        "to_bring": list(convocation_kind(convocation.kind).to_bring),
        "open": selectors.upcoming(convocation),
    }
    return render(request, "portal/convocation.html", context)


@login_required
@require_GET
def convocation_calendar(request, pk):
    convocation = _own_convocation(request, pk)
    body = convocation_ics(registration=convocation.registration, appointment=convocation)
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(convocation)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def data(request, pk):
    reg = _own(request, pk)
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and "confirmer" in request.POST:
        services.candidate_data_confirm(registration=reg, by=request.user)
        messages.success(request, _("Merci : vos données sont confirmées."))
        return redirect("portal:data", pk=reg.pk)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        message = values.pop("message")
        try:
            services.correction_request(
                registration=reg, by=request.user, changes=values, message=message
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Votre demande est transmise au centre d'examen."))
            return redirect("portal:data", pk=reg.pk)
    context = {
        "registration": reg,
        "candidate": reg.candidate,
        "form": form,
        "requests": selectors.own_corrections(registration=reg),
        "review": getattr(reg.candidate, "review", None),
    }
    return render(request, "portal/data.html", context)


@login_required
@require_GET
def export(request, fmt):
    if fmt not in ("json", "pdf") or not selectors.is_candidate(user=request.user):
        raise Http404
    payload = services.candidate_export(user=request.user, fmt=fmt)
    if fmt == "json":
        body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(export_pdf(payload), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-cqpm.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_download(request, pk):
    document = get_scoped_or_404(selectors.own_documents(user=request.user), pk=pk)
    if not document.file or selectors.decision_in_force(registration=document.registration) is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
