"""Jury sessions, results and decisions built straight through the ORM, for the documents tests.

The deliberations services are written at the same time as documents; these builders make the
rows those services would leave behind (a closed session, validated results, decisions).
"""

from django.utils import timezone

from candidates.models import CentreMembership, Registration
from deliberations.models import (
    CapacityResult,
    Decision,
    JuryCandidate,
    JuryMember,
    JurySession,
    ResultSheet,
)
from deliberations.rules import proposed_outcome

from .candidates import CandidateFactory, RegistrationFactory


def jury_session(*, campaign, status=JurySession.Status.CLOSED, members=(), **kwargs):
    """A jury session; `members` are (user, college, is_president, present) tuples."""
    session = JurySession.objects.create(
        campaign=campaign,
        date=kwargs.pop("date", campaign.jury_date),
        place=kwargs.pop("place", "Lyon, UIMM territoriale"),
        status=status,
        closed_at=timezone.now() if status == JurySession.Status.CLOSED else None,
        **kwargs,
    )
    for user, college, is_president, present in members:
        JuryMember.objects.create(
            session=session,
            user=user,
            college=college,
            is_president=is_president,
            present=present,
            signed_at=timezone.now() if present else None,
        )
    return session


def _proposed(registration) -> str:
    """What the capacities imply, as the deliberations services store it with each decision."""
    total = registration.campaign.referential.capacities.count()
    acquired = CapacityResult.objects.filter(
        sheet__registration=registration, outcome="acquired"
    ).count()
    return proposed_outcome(acquired=acquired, total=total)


def _reason_if_departing(outcome, proposed, jury_reason) -> str:
    departs = outcome in ("admissible", "not_admissible") and outcome != proposed
    return (jury_reason or "Décision motivée du jury.") if departs else ""


def decide(
    *, session, outcome, by, acquired=None, registration=None, jury_reason=None, **candidate
):
    """A registration brought before the session, its validated results and an active decision.

    `acquired` lists the capacity numbers acquired (all of them by default); a decision against
    them carries `jury_reason` (a default one if not given), as the database requires.
    """
    if registration is None:
        registration = RegistrationFactory(
            campaign=session.campaign, candidate=CandidateFactory(**candidate)
        )
    JuryCandidate.objects.get_or_create(session=session, registration=registration)
    sheet, _ = ResultSheet.objects.get_or_create(
        registration=registration,
        defaults={"status": ResultSheet.Status.VALIDATED, "validated_at": timezone.now()},
    )
    capacities = list(session.campaign.referential.capacities.order_by("number"))
    numbers = {c.number for c in capacities} if acquired is None else set(acquired)
    for capacity in capacities:
        done = capacity.number in numbers
        CapacityResult.objects.update_or_create(
            sheet=sheet,
            capacity=capacity,
            defaults={
                "outcome": "acquired" if done else "not_acquired",
                "justification": "" if done else "Critères de résultats non atteints.",
            },
        )
    proposed = _proposed(registration)
    # The stage the services leave (Registration.TRANSITIONS): before the jury while it
    # deliberates, decided once it is closed.
    stage = Registration.Stage.JURY
    if session.status == JurySession.Status.CLOSED:
        admissible = outcome == Decision.Outcome.ADMISSIBLE
        stage = Registration.Stage.ADMISSIBLE if admissible else Registration.Stage.NOT_ADMISSIBLE
    Registration.objects.filter(pk=registration.pk).update(stage=stage)
    registration.stage = stage
    return Decision.objects.create(
        session=session,
        registration=registration,
        outcome=outcome,
        proposed=proposed,
        jury_reason=_reason_if_departing(outcome, proposed, jury_reason),
        recorded_by=by,
    )


def amend(*, decision, outcome, reason, by, jury_reason=None):
    """What an amendment by the president leaves: the old decision inactive, a new one active."""
    Decision.objects.filter(pk=decision.pk).update(is_active=False)
    decision.refresh_from_db()
    proposed = _proposed(decision.registration)
    return Decision.objects.create(
        session=decision.session,
        registration=decision.registration,
        outcome=outcome,
        proposed=proposed,
        jury_reason=_reason_if_departing(outcome, proposed, jury_reason or reason),
        supersedes=decision,
        reason=reason,
        recorded_by=by,
    )


def college_members(*, president, member, member_present=False):
    return [
        (president, CentreMembership.College.EMPLOYER, True, True),
        (member, CentreMembership.College.EMPLOYEE, False, member_present),
    ]
