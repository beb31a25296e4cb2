"""Reads scoped by the user: staff reach the campaigns of their own centres, nothing more."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cqpm.core.access import holds, scope, scope_ids
from cqpm.core.confirmation import Readiness
from cqpm.core.registry import missing_filters

from .lifecycle import Activity, campaign_allows
from .models import Campaign, CentreMembership, ExamCentre, Registration
from .validators import search_fold

if TYPE_CHECKING:
    from accounts.models import User

Stage = Registration.Stage


def _membership_roles(user: User) -> list[tuple[str, int]]:
    """(role, centre id) of the user's memberships, shared with the TOTP check of the request."""
    roles = getattr(user, "membership_roles", None)
    if roles is None:
        roles = list(CentreMembership.objects.filter(user=user).values_list("role", "centre_id"))
    return roles


def is_centre_member(*, user: User, role: str) -> bool:
    """Holds `role` at some centre (from the memberships the request already read)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(held == role for held, _centre in _membership_roles(user))


def is_centre_staff(*, user: User) -> bool:
    """Staff of at least one centre (the access role `staff`; no query once roles are read)."""
    return holds(user, "centre.manage")


def centre_list_for(*, user: User) -> QuerySet[ExamCentre]:
    return scope(user, "centre.manage", ExamCentre.objects.all())


def membership_list_for(*, user: User, centre: ExamCentre) -> QuerySet[CentreMembership]:
    """The people of one of the user's centres, with their account and company."""
    return (
        CentreMembership.objects.filter(centre__in=centre_list_for(user=user), centre=centre)
        .select_related("user", "company")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )


def membership_remove_readiness(*, membership: CentreMembership) -> Readiness:
    """Taking a role away: the person keeps their account and may be given the role again."""
    return Readiness(
        effects=[
            _("%(user)s n'a plus le rôle « %(role)s » au centre %(centre)s.")
            % {
                "user": membership.user.email,
                "role": membership.get_role_display(),
                "centre": membership.centre.name,
            },
            _("Son compte reste ouvert ; ce rôle pourra lui être donné de nouveau."),
        ]
    )


def campaign_list_for(*, user: User, with_counts: bool = False) -> QuerySet[Campaign]:
    qs = scope(user, "campaign.manage", Campaign.objects.all()).select_related(
        "centre", "referential"
    )
    if with_counts:
        # Counted campaign by campaign (the index on campaign and stage), not by joining every
        # registration to the campaigns and grouping the campaigns' and centres' columns: on
        # PostgreSQL that sorted 10,000 wide rows for a list of eight campaigns.
        count = (
            Registration.objects.filter(campaign=OuterRef("pk"))
            .exclude(stage=Stage.WITHDRAWN)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")
        )
        qs = qs.annotate(registration_count=Subquery(count, output_field=IntegerField())).order_by(
            "-jury_date", "name", "pk"
        )
    return qs


def tutor_choices_for(*, user: User) -> QuerySet[User]:
    """Accounts already tutoring a registration at one of the user's centres."""
    return (
        get_user_model()
        .objects.filter(
            tutored_registrations__campaign__centre_id__in=scope_ids(user, "centre.manage")
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


# --- Candidate list ---------------------------------------------------------------------------

_STAGE_RANK = Case(
    *(When(stage=stage, then=Value(rank)) for rank, stage in enumerate(Registration.STAGE_ORDER)),
    output_field=IntegerField(),
)
REGISTRATION_SORTS = {
    "name": ("candidate__last_name", "candidate__first_name", "pk"),
    "date": ("registered_on", "candidate__last_name", "pk"),
    "stage": ("stage_rank", "candidate__last_name", "pk"),
    "company": ("company__name", "candidate__last_name", "pk"),
}


def registrations_search(qs: QuerySet[Registration], search: str) -> QuerySet[Registration]:
    """Each word of `search`, anywhere in the candidate's name or e-mail or the company's name or
    SIRET, without case or accents: « helene » finds « Hélène » (every list's `q`)."""
    for term in search_fold(search).split():
        qs = qs.filter(
            Q(candidate__search_text__contains=term) | Q(company__search_text__contains=term)
        )
    return qs


def registration_list_for(
    *,
    user: User,
    campaign: Campaign | None = None,
    search: str = "",
    stages: list[str] | tuple[str, ...] = (),
    pathway: str = "",
    company: str = "",
    missing: list[str] | tuple[str, ...] = (),
    sort: str = "name",
) -> QuerySet[Registration]:
    """Registrations the user may see as staff: search by name, e-mail or company (without case
    or accents), filters (stage, pathway, company, what is missing), sort ("-" reverses)."""
    qs = scope(user, "registration.manage", Registration.objects.all())
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs = registrations_search(qs, search)
    if stages:
        qs = qs.filter(stage__in=list(stages))
    if pathway:
        qs = qs.filter(pathway=pathway)
    for term in search_fold(company).split():
        qs = qs.filter(company__search_text__contains=term)
    wanted = [f for f in missing_filters() if f.name in missing]
    if wanted:  # nothing is awaited from a withdrawn candidate
        qs = qs.exclude(stage=Stage.WITHDRAWN)
    for missing_filter in wanted:
        qs = qs.filter(missing_filter.condition())
    return _sorted(qs, sort).select_related(
        "campaign__centre", "campaign__referential", "candidate", "company", "tutor"
    )


def _sorted(qs: QuerySet[Registration], sort: str) -> QuerySet[Registration]:
    descending = sort.startswith("-")
    keys: tuple[str, ...] = REGISTRATION_SORTS.get(sort.lstrip("-"), REGISTRATION_SORTS["name"])
    if "stage_rank" in keys:
        qs = qs.annotate(stage_rank=_STAGE_RANK)
    if descending:
        keys = tuple(f"-{key}" for key in keys)
    return qs.order_by(*keys)


# --- Campaign dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int
    share: float  # of the largest count, 0..1, for the bar chart


@dataclass(frozen=True)
class Deadline:
    label: str
    date: datetime.date
    days: int  # negative when passed

    @property
    def passed(self) -> bool:
        return self.days < 0

    @property
    def coming(self) -> bool:
        return 0 <= self.days <= 30


@dataclass(frozen=True)
class LateItem:
    message: str
    count: int = 0
    stages: tuple[str, ...] = ()


@dataclass
class CampaignDashboard:
    campaign: Campaign
    counts: list[StageCount]
    deadlines: list[Deadline]
    late: list[LateItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.count for item in self.counts)

    @property
    def active(self) -> int:
        return sum(item.count for item in self.counts if item.stage != Stage.WITHDRAWN)


def campaign_dashboard(
    *, campaign: Campaign, today: datetime.date | None = None
) -> CampaignDashboard:
    """Counts by stage (one aggregate query), deadlines, and what is late on `today`."""
    today = today or timezone.localdate()
    raw = Registration.objects.filter(campaign=campaign).aggregate(
        **{str(stage): Count("pk", filter=Q(stage=stage)) for stage in Registration.STAGE_ORDER}
    )
    largest = max(raw.values(), default=0) or 1
    labels = dict(Stage.choices)
    counts = [
        StageCount(stage, str(labels[stage]), raw[stage], raw[stage] / largest)
        for stage in Registration.STAGE_ORDER
    ]
    deadlines = sorted(
        (
            Deadline(str(Campaign._meta.get_field(name).verbose_name), day, (day - today).days)  # type: ignore[union-attr]  # concrete date fields: always a Field
            for name in _DEADLINE_FIELDS
            if (day := getattr(campaign, name))
        ),
        key=lambda d: d.date,
    )
    return CampaignDashboard(campaign, counts, deadlines, _late_items(campaign, raw, today))


_DEADLINE_FIELDS = (
    "registration_opens",
    "registration_closes",
    "report_deadline",
    "opinion_deadline",
    "commission_starts",
    "commission_ends",
    "jury_date",
)
_BEFORE_EVIDENCE = (Stage.REGISTERED, Stage.DOSSIER)
_BEFORE_JURY = (Stage.REGISTERED, Stage.DOSSIER, Stage.EVIDENCE, Stage.COMMISSION)
_UNDECIDED = (*_BEFORE_JURY, Stage.JURY)


def _late_items(campaign: Campaign, raw: dict[str, int], today: datetime.date) -> list[LateItem]:
    """Registrations behind the calendar, and a campaign whose status lags behind its dates."""
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.CANCELLED):
        return []
    rules = [
        (
            campaign.report_deadline,
            _BEFORE_EVIDENCE,
            _("candidat(s) sans dossier validé après la date limite des rapports (%(date)s)"),
        ),
        (
            campaign.commission_ends,
            _BEFORE_JURY,
            _("candidat(s) pas encore passé(s) en jury après la fin des commissions (%(date)s)"),
        ),
        (
            campaign.jury_date,
            _UNDECIDED,
            _("candidat(s) sans décision après la date du jury (%(date)s)"),
        ),
    ]
    late = []
    for deadline, stages, message in rules:
        count = sum(raw[stage] for stage in stages)
        if today > deadline and count:
            late.append(LateItem(message % {"date": f"{deadline:%d/%m/%Y}"}, count, stages))
    if today > campaign.registration_closes and campaign.status in (
        Campaign.Status.PLANNED,
        Campaign.Status.OPEN,
    ):
        late.append(
            LateItem(
                _("Les inscriptions sont closes depuis le %(date)s mais la campagne est « %(s)s ».")
                % {
                    "date": f"{campaign.registration_closes:%d/%m/%Y}",
                    "s": campaign.get_status_display(),
                }
            )
        )
    if today > campaign.jury_date:
        late.append(
            LateItem(
                _("Le jury a eu lieu le %(date)s : la campagne peut être clôturée.")
                % {"date": f"{campaign.jury_date:%d/%m/%Y}"}
            )
        )
    return late


def identity_edit_url(*, registration: Registration) -> str:
    """Where staff fill in a person's identity for the CDC deposit (« #etat-civil »): the
    registration's form while the campaign allows editing it, else the rectification page of
    the person (privacy app), which stays open after the campaign closes."""
    if not registration.is_withdrawn and campaign_allows(
        campaign=registration.campaign, activity=Activity.REGISTRATION_EDIT
    ):
        return reverse("candidates:registration_update", args=[registration.pk]) + "#etat-civil"
    return reverse("privacy:person_correct", args=[registration.candidate_id]) + "#etat-civil"


# Names listed in a confirmation; beyond, a count ("… et 12 autres").
READINESS_NAMES = 20


def names_with_more(
    registrations: QuerySet[Registration], *, limit: int = READINESS_NAMES
) -> list[str]:
    """Up to `limit` candidates' names, then « … et N autres », in two queries at most."""
    rows = list(registrations.select_related("candidate").order_by("candidate__last_name")[:limit])
    names = [str(r.candidate) for r in rows]
    if len(rows) == limit:
        more = registrations.count() - limit
        if more > 0:
            names.append(_("… et %(n)s autre(s)") % {"n": more})
    return names


def _missing(name: str) -> Exists | None:
    """The registry's expression for a missing-item filter (an `Exists`/`~Exists`), if declared."""
    found = {f.name: f for f in missing_filters()}.get(name)
    if found is None:
        return None
    condition: Exists = found.condition()
    return condition


def campaign_transition_readiness(*, campaign: Campaign, to: str) -> Readiness:
    """What moving the campaign to `to` does and lacks: refused where the map forbids it;
    the jury with candidates not evaluated, closing with candidates undecided, and a
    cancellation each ask for a recorded reason."""
    S = Campaign.Status
    if to not in S.values:
        return Readiness(blocking=True, refusal=_("Statut de campagne inconnu."))
    target = S(to)
    if not campaign.can_transition_to(target):
        refusal = _("Action impossible : la campagne est à l'état « %(state)s ».") % {
            "state": campaign.get_status_display()
        }
        return Readiness(blocking=True, refusal=refusal)
    active = campaign.registrations.exclude(stage=Registration.Stage.WITHDRAWN)
    if target == S.PLANNED and campaign.registrations.exists():
        refusal = _(
            "La campagne « %(name)s » a des inscrits : elle ne peut plus revenir à l'état "
            "« Planifiée »."
        ) % {"name": campaign.name}
        return Readiness(blocking=True, refusal=refusal)
    effects = [str(_TRANSITION_EFFECTS[target])]
    missing: list[str] = []
    reason_required = target == S.CANCELLED
    reason_label = _("Motif de l'annulation") if reason_required else ""
    if target == S.IN_PROGRESS and (condition := _missing("dossier_not_approved")) is not None:
        names = names_with_more(active.filter(condition))
        missing += [_("Dossier d'évaluation non approuvé : %(name)s") % {"name": n} for n in names]
    if target == S.JURY and (condition := _missing("no_result")) is not None:
        names = names_with_more(active.filter(condition))
        missing += [_("Non évalué (résultats non validés) : %(name)s") % {"name": n} for n in names]
        if names:
            reason_required = True
            reason_label = _("Motif du passage au jury avec des candidats non évalués")
    if target == S.CLOSED and (condition := _missing("no_decision")) is not None:
        names = names_with_more(active.filter(condition))
        missing += [_("Sans décision du jury : %(name)s") % {"name": n} for n in names]
        if names:
            reason_required = True
            reason_label = _("Motif de la clôture avec des candidats sans décision")
    return Readiness(
        effects=effects,
        missing=missing,
        reason_required=reason_required,
        reason_label=reason_label,
    )


_TRANSITION_EFFECTS = {
    Campaign.Status.PLANNED: _lazy("La campagne revient à l'état « Planifiée »."),
    Campaign.Status.OPEN: _lazy(
        "Les inscriptions et les imports sont ouverts ; les dossiers peuvent être préparés."
    ),
    Campaign.Status.IN_PROGRESS: _lazy(
        "Les évaluations commencent : rapports, avis de l'entreprise, entretiens et résultats "
        "de la commission ; une inscription tardive demandera un motif."
    ),
    Campaign.Status.JURY: _lazy(
        "La campagne passe à l'étape du jury : plus aucune inscription, et un résultat ne change "
        "plus qu'en rouvrant la commission avec un motif."
    ),
    Campaign.Status.CLOSED: _lazy(
        "La campagne est clôturée : elle passe en lecture seule, seuls restent possibles les "
        "rectifications du président et les documents qu'elles entraînent."
    ),
    Campaign.Status.CANCELLED: _lazy(
        "La campagne est annulée : elle passe en lecture seule et plus rien ne pourra y être fait."
    ),
}
