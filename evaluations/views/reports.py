"""Report pages: staff upload versions; download only through a permission-checking view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from ..forms import ReportUploadForm
from ..selectors import report_list_for
from ..services.reports import report_is_late, report_upload
from ._common import staff_registration_or_404


@login_required
def report_page(request, registration_pk: int):
    registration = staff_registration_or_404(request, registration_pk)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = report_upload(
                registration=registration,
                upload=upload,
                original_name=upload.name,
                accept_late=form.cleaned_data["accept_late"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Le rapport est enregistré (version %(version)s).") % {"version": report.version},
            )
            return redirect("evaluations:report_page", registration_pk=registration.pk)
    context = {
        "registration": registration,
        "form": form,
        "reports": registration.reports.select_related("uploaded_by").order_by("-version"),
        "deadline_passed": report_is_late(registration=registration),
    }
    return render(request, "evaluations/report_page.html", context, status=200)


@login_required
def report_download(request, registration_pk: int, pk: int):
    report = get_scoped_or_404(
        report_list_for(user=request.user), pk=pk, registration_id=registration_pk
    )
    if not report.file:  # deleted by the retention rules or an erasure (privacy app)
        raise Http404
    name = report.original_name if report.original_name.lower().endswith(".pdf") else "rapport.pdf"
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
