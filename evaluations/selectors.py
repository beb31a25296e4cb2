"""Reads of the evaluations app, each scoped by the user who asks (DESIGN.md §7).

Staff reach the registrations of their centres; the resource centre only the dossiers submitted
to it; a respondent only their opinions; an evaluator only the registrations of their sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.lifecycle import Activity, readiness_within_campaign
from candidates.models import Campaign, CentreMembership, Registration
from candidates.selectors import is_centre_member, registration_list_for, registrations_search
from candidates.validators import search_fold
from cqpm.core.access import holds_role, scope
from cqpm.core.confirmation import Readiness

from . import list_filters
from .models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    EvaluationDossier,
    Interview,
    Rating,
    Report,
)

if TYPE_CHECKING:
    from accounts.models import User
    from referentials.models import Capacity

    from .services.opinions import OpinionAnswers


def _latest_report(field: str) -> Subquery:
    return Subquery(
        Report.objects.filter(registration=OuterRef("pk")).order_by("-version").values(field)[:1]
    )


def _todo() -> dict[str, tuple[str, Any]]:
    """The staff's to-do filters of the campaign's evaluations page, each exactly the rows its
    home task counts (evaluations.home): code -> (label, condition)."""
    return {
        "dossier": (_("Dossier à préparer ou à reprendre"), list_filters.dossier_to_prepare()),
        "rapport": (_("Rapport du candidat manquant"), list_filters.report_missing()),
        "avis": (_("Avis de l'entreprise attendu"), list_filters.opinion_awaited()),
        "commission": (
            _("Dossier approuvé, à affecter à une commission"),
            list_filters.commission_unassigned(),
        ),
    }


def dossier_todo_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _condition) in _todo().items()]


def dossier_rows_for_campaign(
    *, user: User, campaign: Campaign, status: str = "", search: str = "", todo: str = ""
) -> QuerySet[Registration]:
    """A staff user's registrations of one campaign, with their dossier's and opinion's status,
    latest report and session date read as values (`dossier_state`, `opinion_state`,
    `session_date`: None when the row is missing, so that the page never looks up a missing
    related row); `search` finds each word in the name, e-mail or company (no case, no accents);
    `todo` keeps what one of the home's tasks counts (`_todo`). What is to do comes first: a
    dossier to prepare, a report or an opinion missing, a candidate to assign; then the others,
    by name."""
    conditions = _todo()
    pending = (
        conditions["dossier"][1]
        | conditions["rapport"][1]
        | conditions["avis"][1]
        | conditions["commission"][1]
    )
    qs = (
        registration_list_for(user=user, campaign=campaign, search=search)
        .select_related(None)
        .select_related("candidate", "company")
        .annotate(
            dossier_state=F("dossier__status"),
            opinion_state=F("company_opinion__status"),
            session_date=F("commission_assignment__session__date"),
            report_version=_latest_report("version"),
            report_late=_latest_report("is_late"),
            done_rank=Case(
                When(stage=Registration.Stage.WITHDRAWN, then=2),
                When(pending, then=0),
                default=1,
            ),
        )
        .order_by("done_rank", "candidate__last_name", "candidate__first_name", "pk")
    )
    if status == "none":
        qs = qs.filter(dossier__isnull=True)
    elif status in EvaluationDossier.Status.values:
        qs = qs.filter(dossier__status=status)
    if todo in conditions:  # nothing is awaited from a withdrawn candidate
        qs = qs.exclude(stage=Registration.Stage.WITHDRAWN).filter(conditions[todo][1])
    return qs


def dossier_counts_for_campaign(*, user: User, campaign: Campaign) -> dict[str, int]:
    """How many registrations of the campaign are at each dossier state ('none' for no dossier)."""
    rows = (
        registration_list_for(user=user, campaign=campaign)
        .order_by()
        .values("dossier__status")
        .annotate(n=Count("pk"))
    )
    return {row["dossier__status"] or "none": row["n"] for row in rows}


def dossier_list_for_reviewer(*, user: User) -> QuerySet[EvaluationDossier]:
    """The resource centre sees the dossiers submitted to it and those it reviewed, nothing else."""
    return scope(user, "dossier.review", EvaluationDossier.objects.all()).select_related(
        "registration__candidate",
        "registration__campaign__centre",
        "registration__campaign__referential",
    )


def dossier_review_queue(
    *, user: User, search: str = "", stages: list[str] | tuple[str, ...] = ()
) -> QuerySet[EvaluationDossier]:
    """Dossiers waiting for the resource centre, from every centre, oldest first; `search` finds
    each word in the candidate's name or e-mail, the company or the centre (no case, no
    accents); `stages` keeps the registrations at these stages (unknown ones are ignored)."""
    qs = dossier_list_for_reviewer(user=user).filter(status=EvaluationDossier.Status.SUBMITTED)
    for term in search_fold(search).split():
        qs = qs.filter(
            Q(registration__candidate__search_text__contains=term)
            | Q(registration__company__search_text__contains=term)
        )
    wanted = [stage for stage in stages if stage in Registration.Stage.values]
    if wanted:
        qs = qs.filter(registration__stage__in=wanted)
    return qs.order_by("submitted_at", "pk")


# An evaluator's home lists the work of campaigns still running: closed and cancelled campaigns
# (years of history on a national instance) stay out of it.
FINISHED = (Campaign.Status.CLOSED, Campaign.Status.CANCELLED)


EVALUATOR_SORTS = {
    "session": ("commission_assignment__session__date", "candidate__last_name", "pk"),
    "name": ("candidate__last_name", "candidate__first_name", "pk"),
}


def registration_list_for_evaluator(
    *,
    user: User,
    search: str = "",
    sort: str = "session",
    todo: bool = False,
    campaign_id: int | None = None,
) -> QuerySet[Registration]:
    """Registrations of the commission sessions of running campaigns where the user sits;
    `search` finds each word in the name, e-mail or company (no case, no accents); `sort` is
    "session" (interviews to hold first, then the date of the commission: default) or "name",
    "-" reversing; `todo` keeps the interviews to hold the home's task counts, `campaign_id`
    one campaign's."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    keys: tuple[str, ...] = EVALUATOR_SORTS.get(sort.lstrip("-"), EVALUATOR_SORTS["session"])
    if sort.startswith("-") and sort.lstrip("-") in EVALUATOR_SORTS:
        keys = tuple(f"-{key}" for key in keys)
    # Joined, not `session__in=<subquery>`: the planner then starts from the evaluator's seats
    # (a few sessions) instead of hashing every registration of the nation.
    qs = registrations_search(
        Registration.objects.filter(commission_assignment__session__evaluators=user), search
    )
    if todo:
        qs = qs.filter(interview__isnull=True).exclude(stage=Registration.Stage.WITHDRAWN)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if sort == "session":
        keys = ("done_rank", *keys)
    return (
        qs.exclude(campaign__status__in=FINISHED)
        .select_related(
            "candidate",
            "company",
            "campaign__centre",
            "campaign__referential",
            "commission_assignment__session",
            "interview",
        )
        .annotate(
            report_pk=_latest_report("pk"),
            report_late=_latest_report("is_late"),
            done_rank=Case(When(interview__isnull=True, then=0), default=1),
        )
        .order_by(*keys)
    )


def registration_list_for_staff_or_evaluator(*, user: User) -> QuerySet[Registration]:
    """Staff of the centre and evaluators of the registration's session (interview, reports)."""
    return scope(user, "registration.evidence", Registration.objects.all()).select_related(
        "candidate", "company", "campaign__centre", "campaign__referential"
    )


def report_list_for(*, user: User) -> QuerySet[Report]:
    """Report versions the user may download: staff of the centre, evaluators of the session."""
    return scope(user, "report.download", Report.objects.all())


def opinion_list_for_respondent(*, user: User) -> QuerySet[CompanyOpinion]:
    """The opinions the user answers for (withdrawn candidates left out), soonest due first."""
    return (
        scope(user, "opinion.answer", CompanyOpinion.objects.all())
        .exclude(registration__stage=Registration.Stage.WITHDRAWN)
        .select_related(
            "registration__candidate",
            "registration__company",
            "registration__campaign__centre",
            "registration__campaign__referential",
        )
        .order_by("registration__campaign__opinion_deadline", "registration__candidate__last_name")
    )


def opinion_rows_for_respondent(
    *, user: User, todo: bool = False, campaign_id: int | None = None
) -> QuerySet[CompanyOpinion]:
    """The respondent's home list: opinions still to give first (soonest due), then those sent;
    `todo` keeps only those the home's task counts (not sent, campaign running), `campaign_id`
    one campaign's."""
    qs = opinion_list_for_respondent(user=user).annotate(
        done_rank=Case(When(status=CompanyOpinion.Status.SUBMITTED, then=1), default=0)
    )
    if todo:
        qs = qs.exclude(status=CompanyOpinion.Status.SUBMITTED).exclude(
            registration__campaign__status__in=FINISHED
        )
    if campaign_id is not None:
        qs = qs.filter(registration__campaign_id=campaign_id)
    return qs.order_by(
        "done_rank",
        "registration__campaign__opinion_deadline",
        "registration__candidate__last_name",
        "pk",
    )


def respondent_campaigns(*, user: User) -> list[tuple[int, str]]:
    """The campaigns of the respondent's opinions, for the home list's filter."""
    rows = (
        opinion_list_for_respondent(user=user)
        .order_by("registration__campaign__name")
        .values_list("registration__campaign_id", "registration__campaign__name")
        .distinct()
    )
    return list(rows)


def is_respondent(*, user: User) -> bool:
    """Has an opinion to give (withdrawn candidates left out, as the respondent's list)."""
    return holds_role(user, "respondent")


def session_list_for(*, user: User, campaign: Campaign) -> QuerySet[CommissionSession]:
    """A staff user's sessions of one campaign, with their evaluators and candidate counts."""
    return (
        scope(user, "commission_session.manage", CommissionSession.objects.all())
        .filter(campaign=campaign)
        .annotate(candidate_count=Count("assignments", distinct=True))
        .prefetch_related("evaluators")
        .order_by("date", "pk")
    )


def evaluator_list_for_centre(*, centre_id: int) -> QuerySet[User]:
    """Accounts that are evaluators at this centre, with their membership's company."""
    return (
        get_user_model()
        .objects.filter(
            centre_memberships__centre_id=centre_id,
            centre_memberships__role=CentreMembership.Role.EVALUATOR,
        )
        .order_by("last_name", "first_name", "email")
    )


def is_evaluator(*, user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return is_centre_member(user=user, role=CentreMembership.Role.EVALUATOR)


def dossier_submit_readiness(*, dossier: EvaluationDossier) -> Readiness:
    """Submitting sends the dossier to the resource centre; refused while a capacity has no
    evaluation method."""
    chosen = {row.capacity_id for row in dossier.capacities.all() if row.methods}
    capacities = dossier.registration.campaign.referential.capacities.order_by("number")
    missing = [
        _("Capacité %(n)s sans modalité d'évaluation : %(title)s")
        % {"n": c.number, "title": c.title}
        for c in capacities
        if c.pk not in chosen
    ]
    return Readiness(
        effects=[
            _(
                "Le dossier de %(name)s part au centre de ressource, qui l'approuvera (alors figé) "
                "ou le renverra avec un commentaire."
            )
            % {"name": dossier.registration.candidate},
            _("Tant qu'il est chez le centre de ressource, il ne peut plus être modifié."),
        ],
        missing=missing,
        blocking=True,
        refusal=_("Choisissez au moins une modalité pour chaque capacité.") if missing else "",
    )


def dossier_review_readiness(
    *, dossier: EvaluationDossier, decision: str, comment: str
) -> Readiness:
    """Approving freezes the dossier; returning it needs what to correct."""
    name = dossier.registration.candidate
    campaign = dossier.registration.campaign
    if decision == "approve":
        empty = [
            _("Capacité %(n)s : aucune modalité d'évaluation.") % {"n": row.capacity.number}
            for row in dossier.capacities.all()
            if not row.methods
        ]
        readiness = Readiness(
            effects=[
                _("Le dossier de %(name)s est approuvé et figé : ses modalités ne changent plus.")
                % {"name": name},
                _("Le centre d'examen peut alors l'affecter à une commission d'évaluation."),
            ],
            missing=empty,
            blocking=bool(empty),
            refusal=_("Chaque capacité doit avoir une modalité d'évaluation.") if empty else "",
        )
        return readiness_within_campaign(readiness, campaign=campaign, activity=Activity.DOSSIER)
    missing = [] if comment.strip() else [_("Ce qu'il faut corriger : non indiqué.")]
    readiness = Readiness(
        effects=[
            _(
                "Le dossier de %(name)s revient au centre d'examen avec votre commentaire ; il "
                "devra le corriger et le soumettre à nouveau."
            )
            % {"name": name}
        ],
        missing=missing,
        blocking=True,
        refusal=_("Indiquez ce qu'il faut corriger.") if missing else "",
    )
    return readiness_within_campaign(readiness, campaign=campaign, activity=Activity.DOSSIER)


def commission_assign_readiness(
    *, session: CommissionSession, registrations: list[Registration], refusals: list[str]
) -> Readiness:
    """Putting the candidates checked in a commission, all or none: the candidates refused
    (`refusals`, from the service's own check) are named and the batch waits for them to be
    unchecked or their dossier approved."""
    n = len(registrations)
    when = session.date.strftime("%d/%m/%Y")
    readiness = Readiness(
        effects=[
            ngettext(
                "%(n)s candidat est affecté à la commission du %(date)s (%(place)s) ; ses "
                "évaluateurs le voient et il peut y être convoqué.",
                "%(n)s candidats sont affectés à la commission du %(date)s (%(place)s) ; ses "
                "évaluateurs les voient et ils peuvent y être convoqués.",
                n,
            )
            % {"n": n, "date": when, "place": session.place},
            _("Si un seul candidat ne peut pas être affecté, aucun ne l'est."),
        ],
        missing=refusals,
        blocking=True,
        refusal=_(
            "Aucun candidat n'est affecté : décochez les candidats nommés ci-dessus, ou faites "
            "d'abord approuver leur dossier d'évaluation."
        )
        if refusals
        else "",
    )
    return readiness_within_campaign(
        readiness, campaign=session.campaign, activity=Activity.COMMISSION_PLANNING
    )


def commission_unassign_readiness(*, assignment: CommissionAssignment) -> Readiness:
    """Taking a candidate off a session: refused once their interview is recorded."""
    session = assignment.session
    interviewed = Interview.objects.filter(registration_id=assignment.registration_id).exists()
    readiness = Readiness(
        effects=[
            _(
                "%(name)s n'est plus affecté à la commission du %(date)s ; ses évaluateurs ne "
                "le voient plus."
            )
            % {
                "name": assignment.registration.candidate,
                "date": session.date.strftime("%d/%m/%Y"),
            },
            _("Il sera à affecter à une commission, et à convoquer de nouveau."),
        ],
        missing=[_("Entretien : déjà enregistré.")] if interviewed else [],
        blocking=interviewed,
        refusal=_("L'entretien de ce candidat est enregistré : il reste dans sa commission.")
        if interviewed
        else "",
    )
    return readiness_within_campaign(
        readiness, campaign=session.campaign, activity=Activity.COMMISSION_PLANNING
    )


def opinion_submit_readiness(
    *, capacities: Iterable[Capacity], answers: OpinionAnswers
) -> Readiness:
    """Sending the opinion locks it; capacities not rated or rated « non observée » are named."""
    missing, unrated = [], []
    for capacity in capacities:
        answer = answers.capacities.get(capacity.pk)
        rating = answer.rating if answer else ""
        if not rating:
            unrated.append(_("%(capacity)s : sans appréciation.") % {"capacity": capacity})
        elif rating == Rating.NOT_OBSERVED:
            missing.append(_("%(capacity)s : non observée.") % {"capacity": capacity})
    return Readiness(
        blocking=bool(unrated),
        effects=[
            _("Votre avis est transmis au centre d'examen."),
            _("Il ne pourra plus être modifié, sauf si le centre le rouvre."),
        ],
        missing=unrated + missing,
    )
