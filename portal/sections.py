"""The staff's view of the candidate space on a registration's page: whether the person is
invited (and a button to invite them), their answers to convocations, their correction
requests with the form that decides them. Staff of the centre only; no query for a person not
invited yet (nothing of theirs to show), two once invited."""

from django.template.loader import render_to_string

from candidates.models import Registration
from cqpm.core.access import can
from documents.models import Convocation

from .forms import CorrectionDecisionForm


def registration_section(request, registration: Registration) -> str:
    if not can(request.user, "registration.manage", registration):
        return ""
    if registration.candidate.account_id is None:
        context = {"registration": registration, "candidate": registration.candidate}
        return render_to_string("portal/_staff_section.html", context, request=request)
    convocations = list(
        Convocation.objects.filter(registration=registration)
        .select_related("candidate_answer")
        .order_by("kind", "-sent_at", "-id")
    )
    context = {
        "registration": registration,
        "candidate": registration.candidate,
        "convocations": convocations,
        "requests": list(
            registration.correction_requests.select_related("decided_by").order_by("-pk")[:10]
        ),
        "decision_form": CorrectionDecisionForm(),
    }
    return render_to_string("portal/_staff_section.html", context, request=request)
