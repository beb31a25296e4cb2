"""Commission pages: staff create sessions, seat evaluators and assign candidates; evaluators
see the candidates of their sessions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from candidates.models import Registration
from cqpm.core.access import scope
from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import BatchRefused, DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404
from cqpm.core.session_pages import session_cancel_page, session_edit_page

from ..forms import AssignBatchForm, EvaluatorAddForm, SessionEditForm, SessionForm
from ..models import CommissionAssignment, EvaluationDossier
from ..selectors import (
    commission_assign_readiness,
    commission_unassign_readiness,
    evaluator_list_for_centre,
    registration_list_for_evaluator,
    session_list_for,
)
from ..services.commissions import (
    COMMISSION,
    commission_assign_batch,
    commission_assign_refusals,
    commission_session_add_evaluator,
    commission_session_cancel,
    commission_session_create,
    commission_session_edit,
    commission_session_remove_evaluator,
    commission_unassign,
    session_has_started,
)
from ._common import paginate, staff_campaign_or_404


@login_required
def campaign_commissions(request, pk: int):
    campaign = staff_campaign_or_404(request, pk)
    form = SessionForm(
        request.POST or None, evaluators=evaluator_list_for_centre(centre_id=campaign.centre_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = commission_session_create(
                campaign=campaign, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("La commission est créée."))
            return redirect("evaluations:session_detail", campaign_pk=campaign.pk, pk=session.pk)
    sessions = session_list_for(user=request.user, campaign=campaign)
    return render(
        request,
        "evaluations/campaign_commissions.html",
        {"campaign": campaign, "sessions": sessions, "form": form},
    )


def _session_or_404(request, campaign_pk: int, pk: int):
    campaign = staff_campaign_or_404(request, campaign_pk)
    return get_scoped_or_404(session_list_for(user=request.user, campaign=campaign), pk=pk)


def _forms(request, session, data=None):
    seated = [u.pk for u in session.evaluators.all()]
    evaluators = evaluator_list_for_centre(centre_id=session.campaign.centre_id).exclude(
        pk__in=seated
    )
    return (
        EvaluatorAddForm(data, evaluators=evaluators, prefix="evaluator"),
        AssignBatchForm(
            data,
            # Any registration the user manages: the service names those it refuses, and why.
            registrations=scope(request.user, "registration.manage", Registration.objects.all()),
            sessions=session_list_for(user=request.user, campaign=session.campaign),
            initial={"session": session.pk},
        ),
    )


def _assignable(session):
    """The campaign's candidates in no commission yet, those whose dossier is approved first."""
    approved = EvaluationDossier.Status.APPROVED
    return (
        session.campaign.registrations.filter(commission_assignment__isnull=True)
        .exclude(stage=Registration.Stage.WITHDRAWN)
        .select_related("candidate", "company", "dossier")
        .annotate(later=Case(When(dossier__status=approved, then=0), default=1))
        .order_by("later", "candidate__last_name", "candidate__first_name", "pk")
    )


@login_required
def session_reschedule(request, campaign_pk: int, pk: int):
    """Change the date, time and place of a session that has not started."""
    session = _session_or_404(request, campaign_pk, pk)
    campaign = session.campaign
    fields = ("date", "start_time", "place")
    initial = {name: getattr(session, name) for name in fields}
    form = SessionEditForm(
        request.POST or None, initial={**initial, "override_reason": session.date_override_reason}
    )
    back_url = reverse("evaluations:session_detail", args=[campaign_pk, session.pk])
    dates = {
        "report": campaign.report_deadline.strftime("%d/%m/%Y"),
        "opinion": campaign.opinion_deadline.strftime("%d/%m/%Y"),
        "end": campaign.commission_ends.strftime("%d/%m/%Y"),
    }
    return session_edit_page(
        request,
        session=session,
        form=form,
        save=lambda data: commission_session_edit(session=session, by=request.user, **data),
        success=_("La commission est modifiée."),
        done_url=back_url,
        context={
            "title": _("Modifier la commission"),
            "heading": _("Modifier la date, l'heure ou le lieu de la commission"),
            "intro": _(
                "Les rapports sont attendus le %(report)s, les avis d'entreprise le "
                "%(opinion)s ; les commissions se tiennent au plus tard le %(end)s, avant le jury."
            )
            % dates,
            "frame_tab": "commissions",
            "parent": _("Commission du %(date)s") % {"date": session.date.strftime("%d/%m/%Y")},
            "back_url": back_url,
            "parent_open": False,
        },
    )


@login_required
def session_cancel(request, campaign_pk: int, pk: int):
    """The confirmation page of a cancellation (with its reason), then the cancellation."""
    session = _session_or_404(request, campaign_pk, pk)
    assignments = session.assignments.select_related("registration__candidate")
    released = [a.registration.candidate for a in assignments]
    cancelled_at = session.cancelled_at and localtime(session.cancelled_at)
    return session_cancel_page(
        request,
        session=session,
        cancel=lambda reason: commission_session_cancel(
            session=session, reason=reason, by=request.user
        ),
        success=lambda count: (
            _("La commission est annulée ; %(n)s candidat(s) sont à affecter à nouveau.")
            % {"n": count}
        ),
        done_url=reverse("evaluations:campaign_commissions", args=[campaign_pk]),
        released=released,
        can_cancel=not session.is_cancelled and not session_has_started(session),
        context={
            "title": _("Annuler la commission"),
            "back_url": reverse("evaluations:session_detail", args=[campaign_pk, session.pk]),
            "cancelled_text": _("Cette commission a été annulée le %(at)s (motif : %(reason)s).")
            % {
                "at": cancelled_at.strftime("%d/%m/%Y %H:%M") if cancelled_at else "",
                "reason": session.cancellation_reason,
            },
            "started_text": COMMISSION.messages.started_cancel,
            "released_text": ngettext(
                "%(n)s candidat sera retiré de cette commission et restera à affecter à une autre.",
                "%(n)s candidats seront retirés de cette commission et resteront à affecter à "
                "une autre.",
                len(released),
            )
            % {"n": len(released)},
        },
    )


@login_required
def session_detail(request, campaign_pk: int, pk: int):
    session = _session_or_404(request, campaign_pk, pk)
    evaluator_form, assign_form = _forms(request, session)
    assignments = (
        CommissionAssignment.objects.filter(session=session)
        .select_related(
            "registration__candidate", "registration__company", "registration__interview"
        )
        # Interviews to hold first, then those recorded; by name within each.
        .annotate(done=Case(When(registration__interview__isnull=True, then=0), default=1))
        .order_by(
            "done", "registration__candidate__last_name", "registration__candidate__first_name"
        )
    )
    context = {
        "session": session,
        "campaign": session.campaign,
        "assignments": assignments,
        "evaluator_form": evaluator_form,
        "assign_form": assign_form,
        "assignable": _assignable(session),
    }
    return render(request, "evaluations/session_detail.html", context)


@login_required
@require_POST
def session_add_evaluator(request, campaign_pk: int, pk: int):
    session = _session_or_404(request, campaign_pk, pk)
    form, _assign = _forms(request, session, request.POST)
    if form.is_valid():
        evaluator = form.cleaned_data["evaluator"]
        run_action(
            request,
            lambda: commission_session_add_evaluator(
                session=session, evaluator=evaluator, by=request.user
            ),
            success=_("%(name)s siège désormais dans cette commission.") % {"name": evaluator},
        )
    else:
        messages.error(request, _("Choisissez un évaluateur de ce centre."))
    return redirect("evaluations:session_detail", campaign_pk=campaign_pk, pk=session.pk)


@login_required
@require_POST
def session_remove_evaluator(request, campaign_pk: int, pk: int, user_pk: int):
    session = _session_or_404(request, campaign_pk, pk)
    evaluator = get_scoped_or_404(session.evaluators.all(), pk=user_pk)
    run_action(
        request,
        lambda: commission_session_remove_evaluator(
            session=session, evaluator=evaluator, by=request.user
        ),
        success=_("%(name)s ne siège plus dans cette commission.") % {"name": evaluator},
    )
    return redirect("evaluations:session_detail", campaign_pk=campaign_pk, pk=session.pk)


@login_required
@require_POST
def session_assign(request, campaign_pk: int, pk: int):
    """The candidates checked go to the session chosen, all or none, after a confirmation that
    names those refused and why."""
    session = _session_or_404(request, campaign_pk, pk)
    _evaluator, form = _forms(request, session, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("evaluations:session_detail", campaign_pk=campaign_pk, pk=session.pk)
    target = form.cleaned_data["session"]
    registrations = list(form.cleaned_data["ids"].select_related("candidate", "company"))
    registrations.sort(key=lambda r: (r.candidate.last_name, r.candidate.first_name, r.pk))
    back = reverse("evaluations:session_detail", args=[campaign_pk, target.pk])
    step = confirmation(
        request,
        title=_("Affecter des candidats à la commission"),
        readiness=commission_assign_readiness(
            session=target,
            registrations=registrations,
            refusals=commission_assign_refusals(session=target, registrations=registrations),
        ),
        confirm_label=_("Confirmer l'affectation"),
        cancel_url=reverse("evaluations:session_detail", args=[campaign_pk, session.pk]),
    )
    if step.response is not None:
        return step.response
    try:
        assignments = commission_assign_batch(
            session=target, registrations=registrations, by=request.user
        )
    except BatchRefused as exc:
        messages.error(request, exc.message)
        for line in exc.lines:
            messages.error(request, line)
        return redirect(back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(n)s candidat est affecté à cette commission.",
            "%(n)s candidats sont affectés à cette commission.",
            len(assignments),
        )
        % {"n": len(assignments)},
    )
    return redirect(back)


@login_required
@require_POST
def session_unassign(request, campaign_pk: int, pk: int, assignment_pk: int):
    session = _session_or_404(request, campaign_pk, pk)
    assignment = get_scoped_or_404(
        session.assignments.select_related("registration__candidate"), pk=assignment_pk
    )
    step = confirmation(
        request,
        title=_("Retirer %(name)s de la commission") % {"name": assignment.registration.candidate},
        readiness=commission_unassign_readiness(assignment=assignment),
        confirm_label=_("Confirmer le retrait"),
        cancel_url=reverse("evaluations:session_detail", args=[campaign_pk, session.pk]),
        danger=True,
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: commission_unassign(assignment=assignment, by=request.user),
        success=_("%(name)s n'est plus affecté(e) à cette commission.")
        % {"name": assignment.registration.candidate},
    )
    return redirect("evaluations:session_detail", campaign_pk=campaign_pk, pk=session.pk)


@login_required
def evaluator_home(request):
    search = request.GET.get("q", "").replace("\x00", "")[:200]
    sort = request.GET.get("tri", "session")
    # The home's task link: the interviews to hold, of one campaign (evaluations.home).
    todo = request.GET.get("a_faire") == "entretien"
    campaign = request.GET.get("campagne", "")
    campaign_id = int(campaign) if campaign.isdigit() and len(campaign) < 10 else None
    rows = registration_list_for_evaluator(
        user=request.user, search=search, sort=sort, todo=todo, campaign_id=campaign_id
    )
    filters = (
        ("q", search),
        ("tri", sort),
        ("a_faire", "entretien" if todo else ""),
        ("campagne", campaign_id or ""),
    )
    context = {
        "page": paginate(request, rows),
        "q": search,
        "sort": sort,
        "todo": todo,
        "campaign_id": campaign_id,
        "query": urlencode({k: v for k, v in filters if v}),
    }
    return render(request, "evaluations/evaluator_home.html", context)
