"""What the evaluations app puts on people's home (cqpm.core.registry.register_home_tasks):
staff — dossiers to prepare, reports missing, opinions awaited, candidates to seat in a
commission; the resource centre — dossiers to review; tutors — opinions to give; evaluators —
interviews to hold. One grouped query per kind of task, whatever the number of registrations."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlencode

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Campaign, Registration
from cqpm.core.access import holds, scope
from cqpm.core.navigation import HomeTask

from .models import CompanyOpinion, EvaluationDossier
from .selectors import FINISHED, dossier_review_queue

if TYPE_CHECKING:
    from accounts.models import User

PREPARING = (Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS)
UNFINISHED_DOSSIER = (EvaluationDossier.Status.DRAFT, EvaluationDossier.Status.RETURNED)
# Staff see what is late or due within this many days.
HORIZON_DAYS = 7


def tasks(user: User) -> list[HomeTask]:
    out: list[HomeTask] = []
    if holds(user, "registration.manage"):
        out += _staff_tasks(scope(user, "registration.manage", Registration.objects.all()))
    if getattr(user, "is_reviewer", False):
        out += _review_tasks(user)
    out += _respondent_tasks(user)
    out += _evaluator_tasks(user)
    return out


def due_soon(due: datetime.date | None) -> bool:
    """Late or due within the horizon: what the staff's home shows."""
    horizon = timezone.localdate() + datetime.timedelta(days=HORIZON_DAYS)
    return due is None or due <= horizon


class CampaignCount(NamedTuple):
    """How many registrations of one campaign are concerned, and the campaign's deadline."""

    campaign_id: int
    campaign_name: str
    due: datetime.date | None
    n: int


def _per_campaign(queryset: QuerySet[Registration], deadline: str) -> list[CampaignCount]:
    rows = (
        queryset.exclude(stage=Registration.Stage.WITHDRAWN)
        .order_by()
        .values("campaign_id", "campaign__name", f"campaign__{deadline}")
        .annotate(n=Count("pk"))
    )
    return [
        CampaignCount(
            row["campaign_id"], row["campaign__name"], row[f"campaign__{deadline}"], row["n"]
        )
        for row in rows
    ]


def _staff_tasks(ours: QuerySet[Registration]) -> list[HomeTask]:
    preparing = ours.filter(
        campaign__status__in=[Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS]
    )
    evidence = ours.filter(campaign__status=Campaign.Status.IN_PROGRESS)
    kinds = [
        (
            preparing.filter(
                Q(dossier__isnull=True)
                | Q(
                    dossier__status__in=[
                        EvaluationDossier.Status.DRAFT,
                        EvaluationDossier.Status.RETURNED,
                    ]
                )
            ),
            "registration_closes",
            _("Dossiers d'évaluation à préparer ou à reprendre"),
            "dossier",
            10,
        ),
        (
            evidence.filter(reports__isnull=True),
            "report_deadline",
            _("Rapports de candidats manquants"),
            "rapport",
            20,
        ),
        (
            evidence.exclude(company_opinion__status=CompanyOpinion.Status.SUBMITTED),
            "opinion_deadline",
            _("Avis de l'entreprise attendus"),
            "avis",
            30,
        ),
        (
            evidence.filter(
                dossier__status=EvaluationDossier.Status.APPROVED,
                commission_assignment__isnull=True,
            ),
            "commission_starts",
            _("Candidats à affecter à une commission d'évaluation"),
            "commission",
            40,
        ),
    ]
    out = []
    # Each task opens the campaign's evaluations page filtered on exactly what it counts
    # (selectors.dossier_rows_for_campaign's `todo`).
    for queryset, deadline, label, todo, order in kinds:
        for row in _per_campaign(queryset, deadline):
            if due_soon(row.due):
                url = reverse("evaluations:campaign_dossiers", args=[row.campaign_id])
                url = f"{url}?{urlencode({'a_faire': todo})}"
                out.append(HomeTask(row.campaign_name, label, url, row.n, row.due, order))
    return out


def _review_tasks(user: User) -> list[HomeTask]:
    n = dossier_review_queue(user=user).count()
    if not n:
        return []
    url = reverse("evaluations:review_queue")
    return [HomeTask(_("Centre de ressource"), _("Dossiers à approuver ou renvoyer"), url, n)]


def _respondent_tasks(user: User) -> list[HomeTask]:
    rows = (
        CompanyOpinion.objects.filter(respondent=user)
        .exclude(status=CompanyOpinion.Status.SUBMITTED)
        .exclude(registration__stage=Registration.Stage.WITHDRAWN)
        .exclude(registration__campaign__status__in=FINISHED)
        .order_by()
        .values(
            "registration__campaign_id",
            "registration__campaign__name",
            "registration__campaign__opinion_deadline",
        )
        .annotate(n=Count("pk"))
    )
    url = reverse("evaluations:tutor_home")
    return [
        HomeTask(
            row["registration__campaign__name"],
            _("Avis de l'entreprise à donner"),
            # The list filtered on these opinions (views.opinions.tutor_home).
            f"{url}?{urlencode({'a_faire': 1, 'campagne': row['registration__campaign_id']})}",
            row["n"],
            row["registration__campaign__opinion_deadline"],
            10,
        )
        for row in rows
    ]


def _evaluator_tasks(user: User) -> list[HomeTask]:
    rows = (
        Registration.objects.filter(
            commission_assignment__session__evaluators=user, interview__isnull=True
        )
        .exclude(campaign__status__in=FINISHED)
        .exclude(stage=Registration.Stage.WITHDRAWN)
        .order_by()
        .values("campaign_id", "campaign__name")
        .annotate(n=Count("pk"), due=Min("commission_assignment__session__date"))
    )
    url = reverse("evaluations:evaluator_home")
    return [
        HomeTask(
            row["campaign__name"],
            _("Entretiens à mener"),
            # The list filtered on these interviews (views.commissions.evaluator_home).
            f"{url}?{urlencode({'a_faire': 'entretien', 'campagne': row['campaign_id']})}",
            row["n"],
            row["due"],
            20,
        )
        for row in rows
    ]
