"""What the deliberations app puts on people's home (cqpm.core.registry.register_home_tasks):
staff — juries to convene and candidates to present; evaluators — results to record, each
linked to its evaluation page; jury members — sessions to sit; the president — deliberations
to close. A constant number of queries, whatever the number of registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.models import Campaign, Registration
from cqpm.core.access import holds, scope
from cqpm.core.navigation import HomeTask
from evaluations.home import due_soon
from evaluations.selectors import FINISHED

from .models import JuryMember, JurySession, ResultSheet
from .selectors import evaluated_registration_ids

if TYPE_CHECKING:
    from accounts.models import User

# Results to record are listed one by one (each links to its page) up to this many.
RESULTS_SHOWN = 20


def tasks(user: User) -> list[HomeTask]:
    out: list[HomeTask] = []
    if holds(user, "campaign.manage"):
        out += _staff_tasks(user)
    out += _evaluator_tasks(user)
    out += _jury_tasks(user)
    return out


def _staff_tasks(user: User) -> list[HomeTask]:
    out = []
    unconvened = (
        scope(user, "campaign.manage", Campaign.objects.all())
        .filter(status=Campaign.Status.JURY)
        .annotate(n_sessions=Count("jury_sessions"))
        .filter(n_sessions=0)
        .only("pk", "name", "jury_date")
    )
    for campaign in unconvened:
        if due_soon(campaign.jury_date):
            url = reverse("deliberations:campaign_juries", args=[campaign.pk])
            out.append(
                HomeTask(campaign.name, _("Jury à constituer"), url, 1, campaign.jury_date, 50)
            )
    waiting = (
        scope(user, "registration.manage", Registration.objects.all())
        .filter(
            campaign__status=Campaign.Status.JURY,
            result_sheet__status=ResultSheet.Status.VALIDATED,
            jury_seats__isnull=True,
        )
        .order_by()
        .values("campaign_id", "campaign__name", "campaign__jury_date")
        .annotate(n=Count("pk"))
    )
    for row in waiting:
        if due_soon(row["campaign__jury_date"]):
            url = reverse("deliberations:campaign_juries", args=[row["campaign_id"]])
            label = _("Candidats aux résultats validés à présenter au jury")
            due = row["campaign__jury_date"]
            out.append(HomeTask(row["campaign__name"], label, url, row["n"], due, 60))
    return out


def _evaluator_tasks(user: User) -> list[HomeTask]:
    pending = list(
        Registration.objects.filter(pk__in=evaluated_registration_ids(user=user))
        .exclude(campaign__status__in=FINISHED)
        .exclude(stage=Registration.Stage.WITHDRAWN)
        .exclude(result_sheet__status=ResultSheet.Status.VALIDATED)
        .select_related("candidate", "campaign")
        .order_by("campaign__commission_ends", "candidate__last_name", "pk")[: RESULTS_SHOWN + 1]
    )
    out = [
        HomeTask(
            r.campaign.name,
            _("Résultats à enregistrer — %(name)s") % {"name": r.candidate},
            reverse("deliberations:evaluation", args=[r.pk]),
            1,
            r.campaign.commission_ends,
            30,
        )
        for r in pending[:RESULTS_SHOWN]
    ]
    if len(pending) > RESULTS_SHOWN:
        url = reverse("evaluations:evaluator_home")
        out.append(HomeTask(_("Autres candidats"), _("Résultats à enregistrer"), url, 0, None, 31))
    return out


def _jury_tasks(user: User) -> list[HomeTask]:
    seats = (
        JuryMember.objects.filter(user=user)
        .exclude(session__status=JurySession.Status.CLOSED)
        .select_related("session__campaign")
        .order_by("session__date", "session_id")
    )
    out = []
    for seat in seats:
        session = seat.session
        url = reverse("deliberations:jury_deliberation", args=[session.pk])
        name = session.campaign.name
        if seat.is_president and session.status == JurySession.Status.DELIBERATING:
            out.append(HomeTask(name, _("Délibération à clore"), url, 1, session.date, 80))
        else:
            label = _("Session du jury à siéger (%(place)s)") % {"place": session.place}
            out.append(HomeTask(name, label, url, 1, session.date, 70))
    return out
