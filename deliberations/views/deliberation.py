"""The deliberation page: candidates, their results, the proposed and recorded decisions."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.lifecycle import Activity, campaign_allows
from cqpm.core.access import get_or_404, permitted
from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from ..forms import AmendForm, DecisionForm
from ..models import CapacityResult, Decision, JuryCandidate, JuryRecusal, JurySession, ResultSheet
from ..rules import proposed_outcome
from ..selectors import (
    capacity_total,
    decision_amend_readiness,
    deliberation_rows,
    jury_close_readiness,
    jury_session_list_for,
    related_or_none,
    seat_for,
)
from ..services import jury_decision_amend, jury_decision_record, jury_session_close
from ._helpers import PAGE_SIZE


@dataclass
class Typed:
    """What a member posted for one candidate, shown again with the refusal next to it."""

    registration_id: int
    outcome: str
    jury_reason: str
    error: str


@dataclass
class Row:
    candidate: JuryCandidate
    session: JurySession
    results: list[CapacityResult]
    acquired: int
    total: int
    carried: int
    flagged: int
    validated: bool
    decisions: list[Decision]
    typed: Typed | None = None
    here: list[Decision] = field(init=False)

    def __post_init__(self) -> None:
        self.here = [d for d in self.decisions if d.session_id == self.session.pk]

    @property
    def registration(self):
        return self.candidate.registration

    @property
    def current(self) -> Decision | None:
        """The registration's decision in force, whichever session took it (the form's
        `expected`: a change made meanwhile, here or elsewhere, is a conflict)."""
        return next((d for d in self.decisions if d.is_active), None)

    @property
    def final(self) -> Decision | None:
        """This session's last decision on the candidate (inactive once a later jury decided)."""
        return self.here[-1] if self.here else None

    @property
    def active(self) -> Decision | None:
        final = self.final
        return final if final is not None and final.is_active else None

    @property
    def superseded(self) -> list[Decision]:
        return list(reversed(self.here[:-1]))

    @property
    def elsewhere(self) -> list[Decision]:
        """Decisions of other sessions (an absence before, a decision after), oldest first."""
        return [d for d in self.decisions if d.session_id != self.session.pk]

    @property
    def proposed(self) -> str | None:
        """Admissible if and only if every capacity is acquired; None until results validated."""
        if not self.validated:
            return None
        return proposed_outcome(acquired=self.acquired, total=self.total)

    @property
    def proposed_label(self) -> str:
        proposed = self.proposed
        return Decision.Outcome(proposed).label if proposed else ""

    @property
    def selected(self) -> str | None:
        """The outcome the form shows: what was just typed, else the decision, else the proposal."""
        if self.typed is not None:
            return self.typed.outcome
        if self.active is not None:
            return self.active.outcome
        return self.proposed

    @property
    def reason_value(self) -> str:
        if self.typed is not None:
            return self.typed.jury_reason
        return self.active.jury_reason if self.active else ""


def _row(candidate: JuryCandidate, session: JurySession, total: int, typed: Typed | None) -> Row:
    sheet = related_or_none(candidate.registration, "result_sheet", ResultSheet)
    return Row(
        candidate=candidate,
        session=session,
        results=list(sheet.results.all()) if sheet else [],
        acquired=candidate.acquired,
        total=total,
        carried=candidate.carried,
        flagged=candidate.flagged,
        validated=bool(sheet and sheet.is_validated),
        decisions=list(candidate.registration.decisions.all()),
        typed=typed if typed and typed.registration_id == candidate.registration_id else None,
    )


def _render(request, session: JurySession, *, page_number, typed: Typed | None = None):
    seat = seat_for(session=session, user=request.user)
    total = capacity_total(campaign=session.campaign)
    page = Paginator(deliberation_rows(session=session), PAGE_SIZE).get_page(page_number)
    rows = [_row(candidate, session, total, typed) for candidate in page]
    # Actions follow the jury's state, the campaign's status (lifecycle.py) and the calendar.
    deliberating = session.status == JurySession.Status.DELIBERATING and campaign_allows(
        campaign=session.campaign, activity=Activity.DELIBERATION
    )
    allowed = permitted(
        request.user, session, ("jury_session.record", "jury_session.close", "jury_session.amend")
    )
    president = "jury_session.close" in allowed
    context = {
        "session": session,
        "seat": seat,
        "page": page,
        "rows": rows,
        "total": total,
        "can_record": deliberating and "jury_session.record" in allowed,
        "can_close": deliberating and president and timezone.localdate() >= session.date,
        "close_not_before": deliberating and president and timezone.localdate() < session.date,
        "can_amend": session.is_closed
        and "jury_session.amend" in allowed
        and campaign_allows(campaign=session.campaign, activity=Activity.AMENDMENT),
        "outcomes": Decision.Outcome.choices,
        # The candidates this member is kept out of (their own company: composition.py).
        "recused_ids": set(
            JuryRecusal.objects.filter(session=session, member=seat).values_list(
                "registration_id", flat=True
            )
        )
        if seat
        else set(),
    }
    return render(request, "deliberations/deliberation.html", context)


@login_required
def jury_deliberation(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    return _render(request, session, page_number=request.GET.get("page"))


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
            jury_reason=form.cleaned_data["jury_reason"],
            expected_decision_id=form.cleaned_data["expected"],
            by=request.user,
        )
    except DomainError as exc:
        # Nothing typed is lost: the page comes back with the member's choice, reason and the
        # refusal (or the conflict, with what changed) next to the candidate.
        messages.error(request, exc.message)
        typed = Typed(
            registration_id=registration_pk,
            outcome=form.cleaned_data["outcome"],
            jury_reason=form.cleaned_data["jury_reason"],
            error=exc.message,
        )
        return _render(request, session, page_number=request.POST.get("page"), typed=typed)
    messages.success(
        request,
        _("Décision enregistrée pour %(name)s.") % {"name": candidate.registration.candidate},
    )
    return redirect(_back(session, request, registration_pk))


@login_required
@require_POST
def jury_close(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    step = confirmation(
        request,
        title=_("Clore la session — %(session)s") % {"session": session},
        readiness=jury_close_readiness(session=session, user=request.user),
        confirm_label=_("Confirmer la clôture"),
        cancel_url=reverse("deliberations:jury_deliberation", args=[session.pk]),
        danger=True,
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: jury_session_close(session=session, by=request.user),
        success=_("La session est close : ses décisions sont verrouillées."),
    )
    return redirect("deliberations:jury_deliberation", pk=session.pk)


@login_required
def decision_amend(request, pk: int):
    decision = get_or_404(
        request.user,
        "decision.amend",
        Decision.objects.select_related(
            "session__campaign", "registration__candidate", "recorded_by"
        ),
        pk=pk,
    )
    form = AmendForm(request.POST or None, initial={"jury_reason": decision.jury_reason})
    if request.method == "POST" and form.is_valid():
        step = confirmation(
            request,
            title=_("Rectifier la décision de %(name)s")
            % {"name": decision.registration.candidate},
            readiness=decision_amend_readiness(
                decision=decision, outcome=form.cleaned_data["outcome"]
            ),
            confirm_label=_("Confirmer la rectification"),
            cancel_url=reverse("deliberations:decision_amend", args=[decision.pk]),
        )
        if step.response is not None:
            return step.response
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
