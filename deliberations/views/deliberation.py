"""The deliberation page: candidates, their results, the proposed and recorded decisions."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqpm.core.actions import run_action
from cqpm.core.errors import ConcurrentUpdate, DomainError
from cqpm.core.permissions import get_scoped_or_404

from ..forms import AmendForm, DecisionForm
from ..models import CapacityResult, Decision, JuryCandidate, JurySession
from ..selectors import (
    capacity_total,
    deliberation_rows,
    jury_session_list_for,
    related_or_none,
    seat_for,
)
from ..services import jury_decision_amend, jury_decision_record, jury_session_close
from ._helpers import paginate


@dataclass
class Row:
    candidate: JuryCandidate
    results: list[CapacityResult]
    acquired: int
    total: int
    carried: int
    flagged: int
    validated: bool
    active: Decision | None
    superseded: list[Decision] = field(default_factory=list)

    @property
    def registration(self):
        return self.candidate.registration

    @property
    def proposed(self) -> str | None:
        """Admissible if and only if every capacity is acquired; None until results validated."""
        if not self.validated:
            return None
        if self.acquired >= self.total:
            return Decision.Outcome.ADMISSIBLE
        return Decision.Outcome.NOT_ADMISSIBLE

    @property
    def proposed_label(self) -> str:
        proposed = self.proposed
        return Decision.Outcome(proposed).label if proposed else ""


def _row(candidate: JuryCandidate, total: int) -> Row:
    sheet = related_or_none(candidate.registration, "result_sheet")
    decisions = list(candidate.registration.decisions.all())
    active = next((d for d in decisions if d.is_active), None)
    return Row(
        candidate=candidate,
        results=list(sheet.results.all()) if sheet else [],
        acquired=candidate.acquired,
        total=total,
        carried=candidate.carried,
        flagged=candidate.flagged,
        validated=bool(sheet and sheet.is_validated),
        active=active,
        superseded=[d for d in reversed(decisions) if not d.is_active],
    )


@login_required
def jury_deliberation(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    seat = seat_for(session=session, user=request.user)
    total = capacity_total(campaign=session.campaign)
    page = paginate(request, deliberation_rows(session=session))
    rows = [_row(candidate, total) for candidate in page]
    deliberating = session.status == JurySession.Status.DELIBERATING
    context = {
        "session": session,
        "seat": seat,
        "page": page,
        "rows": rows,
        "total": total,
        "can_record": deliberating and seat is not None and seat.present,
        "can_close": deliberating and seat is not None and seat.is_president,
        "can_amend": session.is_closed and seat is not None and seat.is_president,
        "outcomes": Decision.Outcome.choices,
    }
    return render(request, "deliberations/deliberation.html", context)


def _back(session: JurySession, request, registration_id: int) -> str:
    url = reverse("deliberations:jury_deliberation", args=[session.pk])
    page = request.POST.get("page", "")
    query = f"?page={page}" if page.isdigit() else ""
    return f"{url}{query}#candidat-{registration_id}"


@login_required
@require_POST
def decision_record(request, pk: int, registration_pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    candidate = get_scoped_or_404(
        JuryCandidate.objects.filter(session=session).select_related("registration__candidate"),
        registration_id=registration_pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une décision parmi celles proposées."))
        return redirect(_back(session, request, registration_pk))
    try:
        jury_decision_record(
            session=session,
            registration=candidate.registration,
            outcome=form.cleaned_data["outcome"],
            expected_decision_id=form.cleaned_data["expected"],
            by=request.user,
        )
    except ConcurrentUpdate as exc:
        messages.warning(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Décision enregistrée pour %(name)s.") % {"name": candidate.registration.candidate},
        )
    return redirect(_back(session, request, registration_pk))


@login_required
@require_POST
def jury_close(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    run_action(
        request,
        lambda: jury_session_close(session=session, by=request.user),
        success=_("La session est close : ses décisions sont verrouillées."),
    )
    return redirect("deliberations:jury_deliberation", pk=session.pk)


@login_required
def decision_amend(request, pk: int):
    presided = Decision.objects.filter(
        session__members__user=request.user, session__members__is_president=True
    )
    decision = get_scoped_or_404(
        presided.select_related("session__campaign", "registration__candidate", "recorded_by"),
        pk=pk,
    )
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jury_decision_amend(decision=decision, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("La décision est rectifiée ; l'ancienne reste visible."))
            return redirect(_back(decision.session, request, decision.registration_id))
    return render(
        request, "deliberations/decision_amend.html", {"decision": decision, "form": form}
    )
