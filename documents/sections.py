"""The registration page's « Documents » section (staff of the centre): the candidate's
certificate or notice with its state, download and verification links (or the button that asks
for it once the jury is closed), the jury's documents page, and the last convocation of each
kind, sent by e-mail or kept to print. One query before the jury's decision, three after,
whatever the size of the campaign."""

from django.template.loader import render_to_string

from candidates.models import Registration
from cqpm.core.access import can
from deliberations.models import Decision

from .kinds import kind_for_outcome
from .models import Convocation, Document


def registration_context(*, registration: Registration) -> dict:
    # Before the jury, no document yet (an absent candidate presented again is at the jury).
    decided = registration.stage in {*Registration.DECIDED_STAGES, Registration.Stage.JURY}
    documents = (
        list(
            Document.objects.filter(registration=registration)
            .exclude(status=Document.Status.REVOKED)
            .order_by("kind")
        )
        if decided
        else []
    )
    decision = (
        Decision.objects.filter(registration=registration, is_active=True)
        .select_related("session")
        .first()
        if decided
        else None
    )
    founded = kind_for_outcome(decision.outcome) if decision else None
    expected = founded.code if founded else None
    latest: dict[str, Convocation] = {}
    for convocation in Convocation.objects.filter(registration=registration).order_by(
        "kind", "-sent_at", "-id"
    ):
        latest.setdefault(convocation.kind, convocation)
    return {
        "docs_documents": documents,
        "docs_decision": decision,
        # Asked for from here when the jury is closed and the document is not there yet.
        "docs_missing_kind": (
            expected
            if expected
            and decision.session.is_closed
            and not any(d.kind == expected for d in documents)
            else None
        ),
        "docs_missing_label": Document.Kind(expected).label if expected else "",
        "docs_convocations": list(latest.values()),
    }


def registration_section(request, registration: Registration) -> str:
    if not can(request.user, "registration.manage", registration):
        return ""
    context = {"registration": registration} | registration_context(registration=registration)
    return render_to_string("documents/_registration_section.html", context, request=request)
