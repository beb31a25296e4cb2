"""What the candidate space puts on people's home (register_home_tasks): to a candidate, their
report due, a convocation to answer, their data to check; to staff, the correction requests
awaiting a decision. A constant number of queries whatever the number of registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Campaign, Registration
from cqpm.core.access import holds, scope
from cqpm.core.navigation import HomeTask
from documents.models import Convocation

from .models import CorrectionRequest, DataReview
from .selectors import is_candidate, own_registrations

if TYPE_CHECKING:
    from accounts.models import User

GROUP = "Mon espace candidat"
# The report is expected (and handed in once evaluations start).
REPORT_DUE = (Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS)


def tasks(user: User) -> list[HomeTask]:
    out = candidate_tasks(user) if is_candidate(user=user) else []
    if holds(user, "correction.decide"):
        out += _staff_tasks(user)
    return out


def candidate_tasks(user: User) -> list[HomeTask]:
    registrations = list(own_registrations(user=user).exclude(stage=Registration.Stage.WITHDRAWN))
    if not registrations:
        return []
    out: list[HomeTask] = []
    with_report = set(
        Registration.objects.filter(pk__in=[r.pk for r in registrations], reports__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    for reg in registrations:
        group = f"{reg.campaign.referential.title} — {reg.campaign.centre.name}"
        if reg.campaign.status in REPORT_DUE and reg.pk not in with_report:
            out.append(
                HomeTask(
                    group=group,
                    label=_("Remettre votre rapport"),
                    url=reverse("portal:report", args=[reg.pk]),
                    due=reg.campaign.report_deadline,
                    order=10,
                )
            )
    out += _convocation_tasks(registrations)
    reviewed = DataReview.objects.filter(
        candidate_id__in={r.candidate_id for r in registrations}
    ).exists()
    asked = CorrectionRequest.objects.filter(
        candidate_id__in={r.candidate_id for r in registrations}
    ).exists()
    if not reviewed and not asked:
        first = registrations[0]
        out.append(
            HomeTask(
                group=GROUP,
                label=_("Vérifier les données que le centre détient sur vous"),
                url=reverse("portal:data", args=[first.pk]),
                order=30,
            )
        )
    return out


def _convocation_tasks(registrations: list[Registration]) -> list[HomeTask]:
    today = timezone.localdate()
    names = {
        r.pk: f"{r.campaign.referential.title} — {r.campaign.centre.name}" for r in registrations
    }
    latest: dict[tuple[int, str], Convocation] = {}
    rows = (
        Convocation.objects.filter(registration_id__in=list(names), date__gte=today)
        .select_related("candidate_answer")
        .order_by("registration_id", "kind", "-sent_at", "-id")
    )
    for convocation in rows:
        latest.setdefault((convocation.registration_id, convocation.kind), convocation)
    return [
        HomeTask(
            group=names[convocation.registration_id],
            label=_("Répondre à votre convocation du %(date)s")
            % {"date": convocation.date.strftime("%d/%m/%Y")},
            url=reverse("portal:convocation", args=[convocation.pk]),
            due=convocation.date,
            order=20,
        )
        for convocation in latest.values()
        if getattr(convocation, "candidate_answer", None) is None
    ]


def _staff_tasks(user: User) -> list[HomeTask]:
    pending = (
        scope(user, "correction.decide", CorrectionRequest.objects.all())
        .filter(status=CorrectionRequest.Status.PENDING)
        .order_by()
        .values("registration__campaign_id", "registration__campaign__name")
        .annotate(n=Count("pk"))
    )
    return [
        HomeTask(
            group=row["registration__campaign__name"],
            label=_("Demandes de rectification de candidats à traiter"),
            url=reverse("portal:corrections", args=[row["registration__campaign_id"]]),
            count=row["n"],
            order=80,
        )
        for row in pending
    ]
