"""Interview page: the evaluators of the candidate's session record it; staff read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from candidates.lifecycle import Activity, campaign_allows
from cqpm.core.access import can
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from ..forms import InterviewForm
from ..models import CommissionSession, Interview
from ..selectors import registration_list_for_staff_or_evaluator
from ..services.interviews import interview_record


@login_required
def interview_page(request, registration_pk: int):
    registration = get_scoped_or_404(
        registration_list_for_staff_or_evaluator(user=request.user), pk=registration_pk
    )
    session = CommissionSession.objects.filter(assignments__registration=registration).first()
    interview = (
        Interview.objects.filter(registration=registration)
        .select_related("recorded_by")
        .prefetch_related("evaluators", "notes__capacity")
        .first()
    )
    can_record = (
        session is not None
        and campaign_allows(campaign=registration.campaign, activity=Activity.INTERVIEW)
        and can(request.user, "interview.record", registration)
    )
    capacities = registration.campaign.referential.capacities.all()
    form = None
    if can_record:
        form = InterviewForm(
            request.POST or None,
            capacities=capacities,
            evaluators=session.evaluators.all(),
            interview=interview,
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            interview_record(
                registration=registration,
                date=form.cleaned_data["date"],
                evaluators=form.cleaned_data["evaluators"],
                general_notes=form.cleaned_data["general_notes"],
                notes=form.notes(),
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'entretien est enregistré."))
            return redirect("evaluations:interview_page", registration_pk=registration.pk)
    notes = {n.capacity_id: n.notes for n in interview.notes.all()} if interview else {}
    context = {
        "registration": registration,
        "session": session,
        "interview": interview,
        "form": form,
        "note_rows": [(c, notes.get(c.pk, "")) for c in capacities],
    }
    return render(request, "evaluations/interview_page.html", context)
