"""Builders for the commission and the jury: an evaluated registration, validated results, a jury.

The evaluation objects (dossier, opinion, commission session) are created directly with the
evaluations models: these builders only need their rows, not their workflow.
"""

import datetime

from django.utils import timezone

from candidates.models import CentreMembership, Registration
from deliberations.models import CapacityResult, JuryCandidate, JuryMember, JurySession, ResultSheet
from evaluations.models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    DossierCapacity,
    EvaluationDossier,
    OpinionCapacity,
)

from .accounts import UserFactory, enable_totp
from .candidates import MembershipFactory, RegistrationFactory

METHODS = ["professional_project", "company_opinion", "interview"]


def approved_dossier(registration) -> EvaluationDossier:
    dossier = EvaluationDossier.objects.create(
        registration=registration,
        status=EvaluationDossier.Status.APPROVED,
        submitted_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    for capacity in registration.campaign.referential.capacities.all():
        DossierCapacity.objects.create(dossier=dossier, capacity=capacity, methods=METHODS)
    return dossier


def commission_for(campaign, *, evaluators=()) -> CommissionSession:
    session = CommissionSession.objects.create(
        campaign=campaign, date=campaign.commission_starts, place="Salle de commission"
    )
    session.evaluators.set(evaluators)
    return session


def evaluated_registration(*, campaign=None, session=None, evaluator=None, approved=True, **kw):
    """A registration with an (approved) dossier, assigned to a commission session."""
    registration = RegistrationFactory(**({"campaign": campaign} if campaign else {}), **kw)
    if approved:
        approved_dossier(registration)
    else:
        EvaluationDossier.objects.create(registration=registration)
    if session is None:
        session = commission_for(registration.campaign, evaluators=[evaluator] if evaluator else [])
    CommissionAssignment.objects.create(session=session, registration=registration)
    return registration


def submitted_opinion(registration, ratings: dict[int, str], respondent=None) -> CompanyOpinion:
    """A submitted company opinion; `ratings` maps capacity number -> Rating value."""
    # The registration's tutor may already be named respondent (on creation): that opinion.
    opinion, _created = CompanyOpinion.objects.update_or_create(
        registration=registration,
        defaults={
            "respondent": respondent or UserFactory(),
            "respondent_role": CompanyOpinion.RespondentRole.TUTOR,
            "status": CompanyOpinion.Status.SUBMITTED,
            "submitted_at": timezone.now(),
        },
    )
    for capacity in registration.campaign.referential.capacities.all():
        if capacity.number in ratings:
            OpinionCapacity.objects.create(
                opinion=opinion, capacity=capacity, rating=ratings[capacity.number]
            )
    return opinion


def results(registration, *, not_acquired=(), validated=True) -> ResultSheet:
    """Results for every capacity (acquired unless its number is in `not_acquired`)."""
    sheet, _ = ResultSheet.objects.get_or_create(registration=registration)
    present = set(sheet.results.values_list("capacity_id", flat=True))
    for capacity in registration.campaign.referential.capacities.all():
        if capacity.pk in present:
            continue
        missed = capacity.number in not_acquired
        CapacityResult.objects.create(
            sheet=sheet,
            capacity=capacity,
            outcome="not_acquired" if missed else "acquired",
            justification="Preuves insuffisantes." if missed else "",
            methods=["interview"],
        )
    if validated:
        sheet.status = ResultSheet.Status.VALIDATED
        sheet.validated_at = timezone.now()
        sheet.save()
    return sheet


def jury_person(centre, college: str, email: str | None = None):
    """A jury member of the centre (with TOTP, as their role requires)."""
    kwargs = {"user__email": email} if email else {}
    membership = MembershipFactory(
        centre=centre, role=CentreMembership.Role.JURY, college=college, **kwargs
    )
    enable_totp(membership.user)
    return membership.user


def jury(
    campaign,
    *,
    president,
    members=(),
    status=JurySession.Status.PLANNED,
    present=True,
    date=datetime.date(2027, 5, 15),
    registrations=(),
) -> JurySession:
    """A jury session; `president` and `members` are users with a jury membership of the centre."""
    session = JurySession.objects.create(campaign=campaign, date=date, place="Salle du jury")
    for user in [president, *members]:
        membership = CentreMembership.objects.get(
            centre=campaign.centre, user=user, role=CentreMembership.Role.JURY
        )
        JuryMember.objects.create(
            session=session,
            user=user,
            college=membership.college,
            is_president=user == president,
            present=present,
            signed_at=timezone.now() if present else None,
        )
    for registration in registrations:
        JuryCandidate.objects.create(session=session, registration=registration)
        # As jury_candidates_assign leaves it: before the jury (Registration.TRANSITIONS).
        if registration.stage not in Registration.DECIDED_STAGES:
            Registration.objects.filter(pk=registration.pk).update(stage=Registration.Stage.JURY)
            registration.stage = Registration.Stage.JURY
    if status != session.status:
        session.status = status
        session.save()
    return session
