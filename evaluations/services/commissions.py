"""Commission sessions of a campaign: date, place, evaluators, candidates assigned to them.
An evaluator never evaluates a candidate of their own company (DESIGN.md §5.4). Audit codes
`cqpm.commission.*`."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from candidates.models import Campaign, CentreMembership, Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError

from ..models import CommissionAssignment, CommissionSession, Interview
from ._common import ensure_active, ensure_staff_of


def _evaluator_memberships(centre_id: int, users: Iterable[Any]) -> dict[int, CentreMembership]:
    users = list(users)
    found = {
        m.user_id: m
        for m in CentreMembership.objects.filter(
            centre_id=centre_id,
            role=CentreMembership.Role.EVALUATOR,
            user__in=[u.pk for u in users],
        ).select_related("company", "user")
    }
    for user in users:
        if user.pk not in found:
            raise DomainError(
                _("%(name)s n'est pas évaluateur de ce centre d'examen.") % {"name": user}
            )
    return found


def _conflict(membership: CentreMembership, registration: Registration) -> DomainError | None:
    if membership.company_id is None or membership.company_id != registration.company_id:
        return None
    return DomainError(
        _(
            "Conflit d'intérêts : %(evaluator)s travaille chez %(company)s, l'entreprise de "
            "%(candidate)s. Un évaluateur n'évalue jamais un candidat de sa propre entreprise."
        )
        % {
            "evaluator": membership.user,
            "company": membership.company.name,
            "candidate": registration.candidate,
        },
        code="conflict_of_interest",
    )


def _check_place(place: str) -> str:
    place = place.strip()
    if not place:
        raise DomainError(_("Indiquez le lieu de la commission."))
    return place


def commission_session_create(
    *,
    campaign: Campaign,
    date: datetime.date,
    place: str,
    by: Any,
    evaluators: Iterable[Any] = (),
) -> CommissionSession:
    """Staff create a session with evaluators of the campaign's centre; DomainError otherwise."""
    ensure_staff_of(by, campaign.centre_id)
    place = _check_place(place)
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.CANCELLED):
        raise DomainError(_("Cette campagne est close : elle n'accepte plus de commission."))
    evaluators = list(evaluators)
    _evaluator_memberships(campaign.centre_id, evaluators)
    with transaction.atomic():
        session = CommissionSession.objects.create(campaign=campaign, date=date, place=place)
        session.evaluators.set(evaluators)
        audit_log(
            action="cqpm.commission.session.created",
            obj=session,
            by=by,
            data={
                "after": {
                    "campaign": campaign.pk,
                    "date": date,
                    "place": place,
                    "evaluators": [u.email for u in evaluators],
                }
            },
            centre_id=campaign.centre_id,
        )
    return session


def _locked_session(session: CommissionSession) -> CommissionSession:
    return (
        CommissionSession.objects.select_for_update().select_related("campaign").get(pk=session.pk)
    )


def commission_session_add_evaluator(
    *, session: CommissionSession, evaluator: Any, by: Any
) -> CommissionSession:
    """Add an evaluator of the centre, unless a candidate of the session is from their company."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    membership = _evaluator_memberships(centre_id, [evaluator])[evaluator.pk]
    with transaction.atomic():
        locked = _locked_session(session)
        if locked.evaluators.filter(pk=evaluator.pk).exists():
            raise DomainError(_("%(name)s siège déjà dans cette commission.") % {"name": evaluator})
        registrations = Registration.objects.filter(
            commission_assignment__session=locked
        ).select_related("candidate")
        for registration in registrations:
            error = _conflict(membership, registration)
            if error:
                raise error
        locked.evaluators.add(evaluator)
        audit_log(
            action="cqpm.commission.evaluator.added",
            obj=locked,
            by=by,
            data={"after": {"evaluator": evaluator.email}},
            centre_id=centre_id,
        )
    return locked


def commission_session_remove_evaluator(
    *, session: CommissionSession, evaluator: Any, by: Any
) -> CommissionSession:
    """Staff take an evaluator off a session; DomainError if they do not sit in it."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    with transaction.atomic():
        locked = _locked_session(session)
        if not locked.evaluators.filter(pk=evaluator.pk).exists():
            raise DomainError(
                _("%(name)s ne siège pas dans cette commission.") % {"name": evaluator}
            )
        locked.evaluators.remove(evaluator)
        audit_log(
            action="cqpm.commission.evaluator.removed",
            obj=locked,
            by=by,
            data={"before": {"evaluator": evaluator.email}},
            centre_id=centre_id,
        )
    return locked


def _already_assigned(registration: Registration) -> DomainError:
    other = CommissionSession.objects.filter(assignments__registration=registration).first()
    return DomainError(
        _("Ce candidat est déjà affecté à la commission du %(date)s.")
        % {"date": other.date.strftime("%d/%m/%Y") if other else "?"}
    )


def commission_assign(
    *, session: CommissionSession, registration: Registration, by: Any
) -> CommissionAssignment:
    """Assign a registration of the campaign to one session, never facing an evaluator of its
    company; DomainError otherwise."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    ensure_active(registration)
    if registration.campaign_id != session.campaign_id:
        raise DomainError(_("Ce candidat n'est pas inscrit à la campagne de cette commission."))
    with transaction.atomic():
        locked = _locked_session(session)
        if CommissionAssignment.objects.filter(registration=registration).exists():
            raise _already_assigned(registration)
        evaluators = list(locked.evaluators.all())
        memberships = _evaluator_memberships(centre_id, evaluators) if evaluators else {}
        for membership in memberships.values():
            error = _conflict(membership, registration)
            if error:
                raise error
        try:
            with transaction.atomic():
                assignment = CommissionAssignment.objects.create(
                    session=locked, registration=registration
                )
        except IntegrityError as exc:
            raise _already_assigned(registration) from exc
        audit_log(
            action="cqpm.commission.assignment.created",
            obj=assignment,
            by=by,
            data={"after": {"session": locked.pk, "date": locked.date, "place": locked.place}},
            registration_id=registration.pk,
            centre_id=centre_id,
        )
    return assignment


def commission_unassign(*, assignment: CommissionAssignment, by: Any) -> None:
    """Take a candidate off a session, unless their interview is already recorded."""
    session = assignment.session
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    with transaction.atomic():
        _locked_session(session)
        if Interview.objects.filter(registration_id=assignment.registration_id).exists():
            raise DomainError(
                _("L'entretien de ce candidat est enregistré : il reste dans sa commission.")
            )
        audit_log(
            action="cqpm.commission.assignment.deleted",
            obj=assignment,
            by=by,
            data={"before": {"session": session.pk, "date": session.date}},
            registration_id=assignment.registration_id,
            centre_id=centre_id,
        )
        assignment.delete()
