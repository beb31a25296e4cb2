"""Reads of the commission and the jury, scoped by user; pages use these and nothing wider."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.lifecycle import Activity, readiness_within_campaign
from candidates.models import Campaign, CentreMembership, Registration
from candidates.selectors import is_centre_member
from cqpm.core.access import holds_role, scope
from cqpm.core.confirmation import Readiness
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import (
    CommissionAssignment,
    CompanyOpinion,
    DossierCapacity,
    EvaluationDossier,
    Interview,
    InterviewNote,
    OpinionCapacity,
    Report,
)
from referentials.models import Capacity, Condition, Criterion, CriterionKind, EvaluationMethod

from .models import CapacityResult, Decision, JuryCandidate, JuryMember, JurySession, ResultSheet

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)

# --- Scopes -------------------------------------------------------------------------------------


def _own_companies(user: User) -> QuerySet[CentreMembership, Mapping[str, object]]:
    return CentreMembership.objects.filter(
        user=user, role=CentreMembership.Role.EVALUATOR, company__isnull=False
    ).values("company_id")


def evaluated_registration_ids(
    *, user: User
) -> QuerySet[CommissionAssignment, Mapping[str, object]]:
    """Registrations of the user's commission sessions, never one of their own company."""
    return (
        CommissionAssignment.objects.filter(session__evaluators=user)
        .exclude(registration__company_id__in=_own_companies(user))
        .values("registration_id")
    )


def is_evaluator_of(*, registration: Registration, user: User) -> bool:
    """True when `user` sits on the registration's commission session and is not of its company."""
    if not getattr(user, "is_authenticated", False):
        return False
    return evaluated_registration_ids(user=user).filter(registration_id=registration.pk).exists()


def evaluation_registration_list_for(*, user: User) -> QuerySet[Registration]:
    """Registrations whose evaluation page the user may open: evaluators (write), staff (read)."""
    # The evaluator's part is correlated (EXISTS per row, access/roles.py), not `pk IN (<every
    # registration the user evaluates>)`, which reads the nation's registrations to look up one.
    return scope(user, "registration.evaluate", Registration.objects.all())


def jury_session_list_for(*, user: User) -> QuerySet[JurySession]:
    """Jury sessions the user sits on, and those of the centres where they are staff."""
    return (
        scope(user, "jury_session.view", JurySession.objects.all())
        .select_related("campaign__centre", "campaign__referential")
        .order_by("-date", "pk")
    )


def jury_session_staff_list_for(*, user: User) -> QuerySet[JurySession]:
    """Jury sessions the user manages as staff of the centre."""
    return scope(user, "jury_session.manage", JurySession.objects.all()).select_related(
        "campaign__centre", "campaign__referential"
    )


def campaign_jury_list_for(*, user: User) -> QuerySet[Campaign]:
    """Campaigns whose jury sessions the user manages as staff."""
    return scope(user, "campaign.manage", Campaign.objects.all()).select_related(
        "centre", "referential"
    )


def is_jury_person(*, user: User) -> bool:
    """Holds a jury role at a centre or a seat in a session (shows « Mes jurys »)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_centre_member(user=user, role=CentreMembership.Role.JURY):
        return True
    return holds_role(user, "jury_member")


def seat_for(*, session: JurySession, user: User) -> JuryMember | None:
    return JuryMember.objects.filter(session=session, user=user).first()


# --- Evaluation page ----------------------------------------------------------------------------


def related_or_none(obj: models.Model, name: str, kind: type[M]) -> M | None:
    """A reverse one-to-one already fetched by select_related (of model `kind`), or None when
    there is none."""
    try:
        found = getattr(obj, name)
    except ObjectDoesNotExist:
        return None
    if not isinstance(found, kind):
        raise TypeError(f"{type(obj).__name__}.{name} is not a {kind.__name__}")
    return found


def report_download_url(report: Report | None) -> str | None:
    """The evaluations app's download view of a report (None while that view is missing)."""
    if report is None:
        return None
    try:
        return reverse("evaluations:report_download", args=[report.registration_id, report.pk])
    except NoReverseMatch:
        return None


@dataclass
class CapacityRow:
    capacity: Capacity
    conditions: list[Condition]
    criteria: list[tuple[str, list[Criterion]]]
    dossier_methods: list[tuple[str, str]]
    opinion: OpinionCapacity | None
    interview_note: InterviewNote | None
    result: CapacityResult | None
    form: forms.BaseForm | None = None  # the result's form, set by the page that edits it


@dataclass
class EvaluationSheet:
    registration: Registration
    dossier: EvaluationDossier | None
    opinion: CompanyOpinion | None
    interview: Interview | None
    sheet: ResultSheet | None
    report: Report | None
    report_url: str | None
    rows: list[CapacityRow] = field(default_factory=list)
    corrections: list[AuditEntry] = field(default_factory=list)

    @property
    def dossier_approved(self) -> bool:
        return self.dossier is not None and self.dossier.status == "approved"

    @property
    def is_validated(self) -> bool:
        return self.sheet is not None and self.sheet.is_validated

    @property
    def missing(self) -> list[Capacity]:
        return [row.capacity for row in self.rows if row.result is None]


def with_evaluation_relations(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Registrations with every one-to-one the evaluation page shows, fetched in one query."""
    return queryset.select_related(
        "campaign__referential",
        "campaign__centre",
        "candidate",
        "company",
        "dossier",
        "company_opinion",
        "interview",
        "result_sheet__validated_by",
        "commission_assignment__session",
    )


def evaluation_sheet_for(*, registration: Registration) -> EvaluationSheet:
    """Capacity by capacity: referential, dossier methods, opinion, interview, result.

    A constant number of queries whatever the number of capacities.
    """
    dossier = related_or_none(registration, "dossier", EvaluationDossier)
    opinion = related_or_none(registration, "company_opinion", CompanyOpinion)
    interview = related_or_none(registration, "interview", Interview)
    sheet = related_or_none(registration, "result_sheet", ResultSheet)
    report = registration.reports.order_by("-version").first()
    data = EvaluationSheet(
        registration=registration,
        dossier=dossier,
        opinion=opinion,
        interview=interview,
        sheet=sheet,
        report=report,
        report_url=report_download_url(report),
    )
    methods = _by_capacity(DossierCapacity.objects.filter(dossier=dossier) if dossier else [])
    opinions = _by_capacity(
        OpinionCapacity.objects.filter(opinion=opinion) if opinion and opinion.is_locked else []
    )
    notes = _by_capacity(InterviewNote.objects.filter(interview=interview) if interview else [])
    results = _by_capacity(
        CapacityResult.objects.filter(sheet=sheet).select_related(
            "decided_by", "carried_from__sheet__registration__campaign"
        )
        if sheet
        else []
    )
    labels = dict(EvaluationMethod.choices)
    capacities = (
        Capacity.objects.filter(referential_id=registration.campaign.referential_id)
        .prefetch_related("conditions", "criteria")
        .order_by("number")
    )
    for capacity in capacities:
        chosen = methods.get(capacity.pk)
        data.rows.append(
            CapacityRow(
                capacity=capacity,
                conditions=list(capacity.conditions.all()),
                criteria=_criteria_by_kind(capacity),
                dossier_methods=[
                    (m, str(labels.get(m, m))) for m in (chosen.methods if chosen else [])
                ],
                opinion=opinions.get(capacity.pk),
                interview_note=notes.get(capacity.pk),
                result=results.get(capacity.pk),
            )
        )
    data.corrections = list(result_corrections(registration_id=registration.pk))
    return data


class _OfCapacity(Protocol):
    @property
    def capacity_id(self) -> int: ...


C = TypeVar("C", bound=_OfCapacity)


def _by_capacity(rows: Iterable[C]) -> dict[int, C]:
    return {row.capacity_id: row for row in rows}


def _criteria_by_kind(capacity: Capacity) -> list[tuple[str, list[Criterion]]]:
    criteria = list(capacity.criteria.all())
    return [
        (str(label), [c for c in criteria if c.kind == kind])
        for kind, label in CriterionKind.choices
    ]


def result_corrections(*, registration_id: int) -> QuerySet[AuditEntry]:
    """Reasoned corrections of validated results, oldest first, with their author."""
    return (
        AuditEntry.objects.filter(
            registration_id=registration_id, action="cqpm.commission.result.corrected"
        )
        .select_related("actor")
        .order_by("at", "id")
    )


# --- Jury ---------------------------------------------------------------------------------------


def capacity_total(*, campaign: Campaign) -> int:
    return Capacity.objects.filter(referential_id=campaign.referential_id).count()


def deliberation_rows(*, session: JurySession) -> QuerySet[JuryCandidate]:
    """Every candidate of a session with results, tallies and decisions (active and superseded).

    A constant number of queries whatever the number of candidates.
    """
    acquired = Q(registration__result_sheet__results__outcome=CapacityResult.Outcome.ACQUIRED)
    carried = Q(registration__result_sheet__results__source=CapacityResult.Source.CARRIED_OVER)
    return (
        JuryCandidate.objects.filter(session=session)
        .select_related(
            "registration__candidate", "registration__company", "registration__result_sheet"
        )
        .annotate(
            acquired=Count("registration__result_sheet__results", filter=acquired),
            carried=Count("registration__result_sheet__results", filter=carried),
            flagged=Count(
                "registration__result_sheet__results",
                filter=Q(registration__result_sheet__results__disagrees_with_opinion=True),
            ),
        )
        .prefetch_related(
            Prefetch(
                "registration__result_sheet__results",
                queryset=CapacityResult.objects.select_related("capacity").order_by(
                    "capacity__number"
                ),
            ),
            Prefetch(
                "registration__decisions",
                queryset=Decision.objects.select_related("recorded_by").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("registration__candidate__last_name", "registration__candidate__first_name", "pk")
    )


def assignable_registrations(*, session: JurySession) -> QuerySet[Registration]:
    """Registrations of the session's campaign that may be brought before it, with their readiness:
    never before a jury, or absent / excused at an earlier, closed session (`deferred_at`)."""
    validated = ResultSheet.objects.filter(
        registration=OuterRef("pk"), status=ResultSheet.Status.VALIDATED
    )
    seats = JuryCandidate.objects.filter(registration=OuterRef("pk"))
    deferred = Decision.objects.filter(
        registration=OuterRef("pk"), is_active=True, outcome__in=Decision.DEFERRED
    )
    blocking = seats.filter(
        Q(session__date__gte=session.date) | ~Q(session__status=JurySession.Status.CLOSED)
    )
    return (
        Registration.objects.filter(campaign_id=session.campaign_id)
        .filter(~Exists(seats) | Exists(deferred) & ~Exists(blocking))
        .exclude(stage=Registration.Stage.WITHDRAWN)
        .select_related("candidate", "company")
        .annotate(
            ready=Exists(validated),
            deferred_outcome=Subquery(deferred.values("outcome")[:1]),
            deferred_at=Subquery(deferred.values("session__date")[:1]),
        )
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


def decision_history(*, registration: Registration) -> list[Decision]:
    """Every jury decision on a registration, newest first, active and superseded."""
    return list(
        Decision.objects.filter(registration=registration)
        .select_related("recorded_by", "session")
        .order_by("-created_at", "-pk")
    )


def results_validate_readiness(*, registration: Registration) -> Readiness:
    """What validating the commission's results does and lacks: refused while the dossier is
    not approved or a capacity has no result; a recorded reason when the report is not in."""
    dossier = related_or_none(registration, "dossier", EvaluationDossier)
    opinion = related_or_none(registration, "company_opinion", CompanyOpinion)
    interview = related_or_none(registration, "interview", Interview)
    decided = CapacityResult.objects.filter(sheet__registration_id=registration.pk).values(
        "capacity_id"
    )
    undecided = Capacity.objects.filter(
        referential_id=registration.campaign.referential_id
    ).exclude(pk__in=decided)
    blocking = [
        _("Capacité %(n)s sans résultat : %(title)s") % {"n": c.number, "title": c.title}
        for c in undecided.order_by("number")
    ]
    if dossier is None or dossier.status != "approved":
        blocking.insert(0, _("Dossier d'évaluation non approuvé par le centre de ressource."))
    has_report = registration.reports.exists()
    missing = list(blocking)
    if not has_report:
        missing.append(_("Rapport du candidat : non remis."))
    if opinion is None or not opinion.is_locked:
        missing.append(_("Avis de l'entreprise : non transmis."))
    if interview is None:
        missing.append(_("Entretien : non enregistré."))
    return Readiness(
        effects=[
            _("Les résultats de %(name)s sont validés et transmis au jury.")
            % {"name": registration.candidate},
            _("Ensuite, un résultat ne change que par une correction motivée."),
        ],
        missing=missing,
        blocking=bool(blocking),
        refusal=_("Toutes les capacités doivent être décidées, sur un dossier approuvé.")
        if blocking
        else "",
        reason_required=not has_report,
        reason_label=_("Motif de la validation sans rapport du candidat"),
    )


def decision_amend_readiness(*, decision: Decision, outcome: str) -> Readiness:
    """What the president's amendment does: the new decision supersedes the old, both stay
    visible, and the documents follow (the reason is the form's own, required)."""
    labels = dict(Decision.Outcome.choices)
    return Readiness(
        effects=[
            _("La décision « %(before)s » de %(name)s est remplacée par « %(after)s ».")
            % {
                "before": labels.get(decision.outcome, decision.outcome),
                "after": labels.get(outcome, outcome),
                "name": decision.registration.candidate,
            },
            _("L'ancienne décision et le motif restent visibles dans l'historique."),
            _("Les documents du candidat sont régénérés selon la nouvelle décision."),
        ]
    )


def jury_start_readiness(*, session: JurySession) -> Readiness:
    """Opening deliberation freezes the jury's composition, date and attendance: refused while
    the members present do not form a jury or no candidate is presented; candidates whose
    commission results are not validated are named (no decision is possible for them)."""
    from .services.composition import jury_presence_check  # services import this module

    blocking: list[str] = []
    try:
        jury_presence_check(members=list(session.members.all()))
    except DomainError as exc:
        blocking.append(exc.message)
    candidates = list(
        session.candidates.select_related("registration__candidate", "registration__result_sheet")
        .exclude(registration__stage=Registration.Stage.WITHDRAWN)
        .order_by("registration__candidate__last_name", "registration__candidate__first_name")
    )
    if not candidates:
        blocking.append(_("Aucun candidat n'est présenté à ce jury."))
    not_ready = [
        _("%(name)s : résultats de la commission non validés, pas de décision possible.")
        % {"name": c.registration.candidate}
        for c in candidates
        if not getattr(
            related_or_none(c.registration, "result_sheet", ResultSheet), "is_validated", False
        )
    ]
    readiness = Readiness(
        effects=[
            _(
                "La délibération du jury du %(date)s s'ouvre pour %(n)s candidat(s) : ses "
                "membres y enregistrent les décisions."
            )
            % {"date": session.date.strftime("%d/%m/%Y"), "n": len(candidates)},
            _("La composition du jury, sa date et l'émargement ne pourront plus changer."),
        ],
        missing=[*blocking, *not_ready],
        blocking=bool(blocking),
        refusal=_("La délibération ne peut pas s'ouvrir tant que ces éléments manquent.")
        if blocking
        else "",
    )
    return readiness_within_campaign(
        readiness, campaign=session.campaign, activity=Activity.DELIBERATION
    )


def jury_close_readiness(
    *, session: JurySession, user: User, today: datetime.date | None = None
) -> Readiness:
    """Closing locks the decisions: refused but to the president, while a candidate has no
    decision or before the day the jury sits (the service's own rules, named before the click)."""
    decided = Decision.objects.filter(
        session=session, registration_id=OuterRef("registration_id"), is_active=True
    )
    undecided = (
        session.candidates.exclude(Exists(decided))
        .exclude(registration__stage=Registration.Stage.WITHDRAWN)
        .select_related("registration__candidate")
        .order_by("registration__candidate__last_name", "registration__candidate__first_name")
    )
    missing = [
        _("%(name)s : aucune décision.") % {"name": c.registration.candidate} for c in undecided
    ]
    seat = seat_for(session=session, user=user)
    if seat is None or not seat.is_president:
        missing.insert(0, _("Seul le président du jury peut clore la session."))
    if (today or timezone.localdate()) < session.date:
        missing.append(
            _("Le jury siège le %(date)s : la session ne peut pas être close avant.")
            % {"date": session.date.strftime("%d/%m/%Y")}
        )
    readiness = Readiness(
        effects=[
            _(
                "Les décisions de la session sont verrouillées : elles ne changent plus que par "
                "une rectification motivée du président."
            ),
            _(
                "Les étapes des candidats sont mises à jour ; les capacités acquises des "
                "candidats non admis restent valables 24 mois."
            ),
            _("Le procès-verbal et les documents des candidats peuvent alors être générés."),
        ],
        missing=missing,
        blocking=bool(missing),
        refusal=_("Chaque candidat doit avoir une décision, le jour où le jury siège ou après.")
        if missing
        else "",
    )
    return readiness_within_campaign(
        readiness, campaign=session.campaign, activity=Activity.DELIBERATION
    )


def jury_member_remove_readiness(*, member: JuryMember) -> Readiness:
    return _planning(
        member.session,
        Readiness(
            effects=[
                _(
                    "%(name)s (%(college)s) ne siège plus dans ce jury ; son émargement, s'il en a "
                    "un, est effacé."
                )
                % {"name": member.user, "college": member.get_college_display()},
                _("Il pourra être ajouté de nouveau tant que la délibération n'est pas ouverte."),
            ]
        ),
    )


def jury_candidate_remove_readiness(*, candidate: JuryCandidate) -> Readiness:
    return _planning(
        candidate.session,
        Readiness(
            effects=[
                _("%(name)s n'est plus présenté à ce jury.")
                % {"name": candidate.registration.candidate},
                _("Il pourra être présenté de nouveau, à ce jury ou à un autre."),
            ]
        ),
    )


def _planning(session: JurySession, readiness: Readiness) -> Readiness:
    return readiness_within_campaign(
        readiness, campaign=session.campaign, activity=Activity.JURY_PLANNING
    )
