"""Jury sessions: per-campaign list and creation, composition, candidates, attendance."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from candidates.lifecycle import Activity, campaign_allows
from candidates.selectors import registrations_search
from cqpm.core.access import can, holds
from cqpm.core.actions import run_action
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404
from cqpm.core.session_pages import session_cancel_page, session_edit_page

from ..forms import (
    AssignForm,
    AttendanceForm,
    JuryMemberAddForm,
    JuryRescheduleForm,
    JurySessionForm,
)
from ..models import JuryCandidate, JuryMember, ResultSheet
from ..selectors import (
    assignable_registrations,
    campaign_jury_list_for,
    is_jury_person,
    jury_candidate_remove_readiness,
    jury_member_remove_readiness,
    jury_session_list_for,
    jury_session_staff_list_for,
    jury_start_readiness,
)
from ..services import (
    jury_attendance_record,
    jury_candidate_remove,
    jury_candidates_assign,
    jury_deliberation_start,
    jury_member_add,
    jury_member_remove,
    jury_session_cancel,
    jury_session_create,
    jury_session_edit,
)
from ..services.juries import JURY, jury_session_has_started
from ._helpers import paginate, require


def _with_counts(queryset):
    return queryset.annotate(
        n_members=Count("members", distinct=True),
        n_present=Count("members", filter=Q(members__present=True), distinct=True),
        n_candidates=Count("candidates", distinct=True),
    )


@login_required
def campaign_juries(request, pk: int):
    campaign = get_scoped_or_404(campaign_jury_list_for(user=request.user), pk=pk)
    form = JurySessionForm(request.POST or None, centre=campaign.centre)
    if request.method == "POST" and form.is_valid():
        try:
            session = jury_session_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Le jury est créé."))
            return redirect("deliberations:jury_detail", pk=session.pk)
    sessions = _with_counts(campaign.jury_sessions.all()).order_by("date", "pk")
    can_plan = campaign_allows(campaign=campaign, activity=Activity.JURY_PLANNING)
    context = {"campaign": campaign, "sessions": sessions, "form": form, "can_plan": can_plan}
    return render(request, "deliberations/campaign_juries.html", context)


@login_required
def jury_list(request):
    user = request.user
    require(is_jury_person(user=user) or holds(user, "jury_session.manage"))
    page = paginate(request, _with_counts(jury_session_list_for(user=user)))
    return render(request, "deliberations/jury_list.html", {"page": page})


@login_required
def jury_detail(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    is_staff = can(request.user, "jury_session.manage", session)
    # Who may: the access model; what the page offers then follows the session's state and the
    # campaign's status (lifecycle).
    campaign = session.campaign
    planned = session.status == session.Status.PLANNED
    can_plan = is_staff and planned and campaign_allows(campaign=campaign, activity="jury_planning")
    can_sign = (
        can(request.user, "jury_session.sign", session)
        and not session.is_closed
        and campaign_allows(campaign=campaign, activity=Activity.DELIBERATION)
    )
    context = {
        "session": session,
        "members": session.members.select_related("user"),
        "n_candidates": session.candidates.count(),
        "is_staff": is_staff,
        "can_sign": can_sign,
        "can_plan": can_plan,
        "attendance_form": AttendanceForm(session=session) if can_sign else None,
        "member_form": JuryMemberAddForm(centre=campaign.centre) if can_plan else None,
    }
    return render(request, "deliberations/jury_detail.html", context)


@login_required
def jury_reschedule(request, pk: int):
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    initial = {"date": session.date, "start_time": session.start_time, "place": session.place}
    back_url = reverse("deliberations:jury_detail", args=[session.pk])
    end = session.campaign.commission_ends.strftime("%d/%m/%Y")
    return session_edit_page(
        request,
        session=session,
        form=JuryRescheduleForm(request.POST or None, initial=initial),
        save=lambda data: jury_session_edit(session=session, by=request.user, **data),
        success=_("Le jury est modifié."),
        done_url=back_url,
        context={
            "title": _("Modifier le jury"),
            "heading": _("Modifier la date, l'heure ou le lieu du jury"),
            "intro": _(
                "Le jury se tient après les commissions d'évaluation de la campagne (au plus "
                "tôt le %(end)s) ; sa délibération ne peut être close avant sa date."
            )
            % {"end": end},
            "frame_tab": "juries",
            "parent": session,
            "back_url": back_url,
            "parent_open": True,
        },
    )


@login_required
def jury_cancel(request, pk: int):
    """The confirmation page of a cancellation (with its reason), then the cancellation."""
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    back_url = reverse("deliberations:jury_detail", args=[session.pk])
    seats = session.candidates.select_related("registration__candidate")
    released = [seat.registration.candidate for seat in seats]
    return session_cancel_page(
        request,
        session=session,
        cancel=lambda reason: jury_session_cancel(session=session, reason=reason, by=request.user),
        success=lambda count: (
            _("Le jury est annulé ; %(n)s candidat(s) sont à présenter à un autre jury.")
            % {"n": count}
        ),
        done_url=back_url,
        released=released,
        can_cancel=not jury_session_has_started(session),
        context={
            "title": _("Annuler le jury"),
            "back_url": back_url,
            "cancelled_text": _("Ce jury a été annulé (motif : %(reason)s).")
            % {"reason": session.cancellation_reason},
            "started_text": JURY.messages.started_cancel,
            "released_text": ngettext(
                "%(n)s candidat sera retiré de ce jury et restera à présenter à un autre.",
                "%(n)s candidats seront retirés de ce jury et resteront à présenter à un autre.",
                len(released),
            )
            % {"n": len(released)},
        },
    )


@login_required
@require_POST
def jury_member_add_view(request, pk: int):
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    form = JuryMemberAddForm(request.POST, centre=session.campaign.centre)
    if not form.is_valid():
        messages.error(request, _("Choisissez un membre de jury du centre."))
        return redirect("deliberations:jury_detail", pk=session.pk)
    run_action(
        request,
        lambda: jury_member_add(session=session, by=request.user, **form.cleaned_data),
        success=_("Le membre est ajouté au jury."),
    )
    return redirect("deliberations:jury_detail", pk=session.pk)


@login_required
@require_POST
def jury_member_remove_view(request, pk: int, member_pk: int):
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    member = get_scoped_or_404(
        JuryMember.objects.filter(session=session).select_related("user"), pk=member_pk
    )
    step = confirmation(
        request,
        title=_("Retirer %(name)s du jury") % {"name": member.user},
        readiness=jury_member_remove_readiness(member=member),
        confirm_label=_("Confirmer le retrait"),
        cancel_url=reverse("deliberations:jury_detail", args=[session.pk]),
        danger=True,
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: jury_member_remove(member=member, by=request.user),
        success=_("Le membre est retiré du jury."),
    )
    return redirect("deliberations:jury_detail", pk=session.pk)


@login_required
def jury_candidates(request, pk: int):
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    assignable = assignable_registrations(session=session)
    form = AssignForm(request.POST or None, queryset=assignable)
    if request.method == "POST" and form.is_valid():
        chosen = (
            assignable.filter(ready=True)
            if "all_ready" in request.POST
            else form.cleaned_data["registrations"]
        )
        try:
            count = jury_candidates_assign(session=session, registrations=chosen, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)s candidat(s) présenté(s) au jury.") % {"n": count})
        return redirect("deliberations:jury_candidates", pk=session.pk)
    current = (
        JuryCandidate.objects.filter(session=session)
        .select_related("registration__candidate", "registration__result_sheet")
        # Those whose results are not validated yet (no decision possible) first.
        .annotate(
            done=Case(
                When(registration__result_sheet__status=ResultSheet.Status.VALIDATED, then=1),
                default=0,
            )
        )
        .order_by(
            "done", "registration__candidate__last_name", "registration__candidate__first_name"
        )
    )
    search = request.GET.get("q", "").replace("\x00", "")[:200]
    shown = registrations_search(assignable, search)
    context = {
        "session": session,
        "form": form,
        "assignable": paginate(request, shown, param="p"),
        "current": paginate(request, current),
        "q": search,
        "query": urlencode({"q": search}) if search else "",
    }
    return render(request, "deliberations/jury_candidates.html", context)


@login_required
@require_POST
def jury_candidate_remove_view(request, pk: int, candidate_pk: int):
    session = get_scoped_or_404(jury_session_staff_list_for(user=request.user), pk=pk)
    candidate = get_scoped_or_404(
        JuryCandidate.objects.filter(session=session).select_related("registration__candidate"),
        pk=candidate_pk,
    )
    step = confirmation(
        request,
        title=_("Retirer %(name)s du jury") % {"name": candidate.registration.candidate},
        readiness=jury_candidate_remove_readiness(candidate=candidate),
        confirm_label=_("Confirmer le retrait"),
        cancel_url=reverse("deliberations:jury_candidates", args=[session.pk]),
        danger=True,
    )
    if step.response is not None:
        return step.response
    run_action(
        request,
        lambda: jury_candidate_remove(candidate=candidate, by=request.user),
        success=_("Le candidat est retiré de ce jury."),
    )
    return redirect("deliberations:jury_candidates", pk=session.pk)


@login_required
@require_POST
def jury_attendance(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    form = AttendanceForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, _("La feuille d'émargement envoyée est invalide."))
        return redirect("deliberations:jury_detail", pk=session.pk)
    present = [m.pk for m in form.cleaned_data["present"]]
    run_action(
        request,
        lambda: jury_attendance_record(session=session, present_ids=present, by=request.user),
        success=_("La feuille d'émargement est enregistrée."),
    )
    return redirect("deliberations:jury_detail", pk=session.pk)


@login_required
@require_POST
def jury_start(request, pk: int):
    session = get_scoped_or_404(jury_session_list_for(user=request.user), pk=pk)
    step = confirmation(
        request,
        title=_("Ouvrir la délibération — %(session)s") % {"session": session},
        readiness=jury_start_readiness(session=session),
        confirm_label=_("Confirmer l'ouverture"),
        cancel_url=reverse("deliberations:jury_detail", args=[session.pk]),
    )
    if step.response is not None:
        return step.response
    try:
        jury_deliberation_start(session=session, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("deliberations:jury_detail", pk=session.pk)
    messages.success(request, _("La délibération est ouverte."))
    return redirect("deliberations:jury_deliberation", pk=session.pk)
