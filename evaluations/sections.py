"""What a registration's page shows of this app: dossier, reports, opinion, commission, interview.

`registration_context(registration=..., user=...)` returns `{"evaluation": EvaluationSections}` for
the include `evaluations/_registration_sections.html`, in a constant number of queries (two, plus
the per-request staff-centre lookup).
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string

from candidates.models import Registration
from cqpm.core.access import can

from .models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    EvaluationDossier,
    Interview,
    Report,
)


@dataclass(frozen=True)
class EvaluationSections:
    registration: Registration
    dossier: EvaluationDossier | None
    reports: list[Report] = field(default_factory=list)
    opinion: CompanyOpinion | None = None
    session: CommissionSession | None = None
    interview: Interview | None = None
    is_staff: bool = False
    is_session_evaluator: bool = False

    @property
    def latest_report(self) -> Report | None:
        return self.reports[0] if self.reports else None


def _related(registration: Registration, name: str) -> Any:
    # Reverse one-to-one accessors raise when the row does not exist.
    try:
        return getattr(registration, name)
    except ObjectDoesNotExist:
        return None


def registration_context(*, registration: Registration, user) -> dict[str, EvaluationSections]:
    seated = CommissionAssignment.objects.filter(
        registration=OuterRef("pk"), session__evaluators__pk=getattr(user, "pk", None)
    )
    loaded = (
        Registration.objects.select_related(
            "campaign",
            "dossier",
            "company_opinion__respondent",
            "commission_assignment__session",
            "interview",
        )
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.select_related("uploaded_by").order_by("-version"),
            )
        )
        .annotate(is_session_evaluator=Exists(seated))
        .get(pk=registration.pk)
    )
    assignment = _related(loaded, "commission_assignment")
    sections = EvaluationSections(
        registration=loaded,
        dossier=_related(loaded, "dossier"),
        reports=list(loaded.reports.all()),
        opinion=_related(loaded, "company_opinion"),
        session=assignment.session if assignment else None,
        interview=_related(loaded, "interview"),
        is_staff=can(user, "registration.manage", loaded),
        is_session_evaluator=loaded.is_session_evaluator,
    )
    return {"evaluation": sections}


def registration_section(request, registration: Registration) -> str:
    """The registration page's provider (discovered by candidates.views.registrations)."""
    context = {"registration": registration, "user": request.user}
    context.update(registration_context(registration=registration, user=request.user))
    return render_to_string("evaluations/_registration_sections.html", context, request=request)
