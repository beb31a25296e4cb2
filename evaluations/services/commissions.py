"""Commission sessions of a campaign: date, place, evaluators, candidates assigned to them.
An evaluator never evaluates a candidate of their own company (DESIGN.md §5.4). Audit codes
`cqpm.commission.*`."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Campaign, CentreMembership, Registration
from candidates.sessions import (
    SessionAudit,
    SessionKind,
    SessionMessages,
    check_place,
    ensure_within,
    fr_date,
    session_cancel,
    session_edit,
    session_reschedule,
    session_schedule,
)
from cqpm.core.audit import audit_log
from cqpm.core.errors import BatchRefused, DomainError
from cqpm.core.registry import emit

from ..events import COMMISSION_SESSION_CALLED_OFF, COMMISSION_SESSION_DATED
from ..models import CommissionAssignment, CommissionSession, EvaluationDossier, Interview
from ._common import ensure_active, ensure_staff_of

PLANNING = Activity.COMMISSION_PLANNING


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
            "company": membership.company.name if membership.company else "",
            "candidate": registration.candidate,
        },
        code="conflict_of_interest",
    )


def evidence_due(campaign: Campaign) -> datetime.date:
    """The day every piece of evidence a commission judges is due: the later deadline."""
    return max(campaign.report_deadline, campaign.opinion_deadline)


def commission_date_check(
    *, campaign: Campaign, date: datetime.date, override_reason: str = ""
) -> str:
    """A session sits within the campaign's calendar, no later than the end of its commissions,
    and after the evidence it judges is due unless a reason is given; returns the reason kept
    (empty when the date needs none); raises DomainError on the field "date" otherwise."""
    ensure_within(
        date,
        first=campaign.registration_opens,
        last=campaign.commission_ends,
        too_early=_(
            "Une commission ne peut pas se tenir avant l'ouverture des inscriptions (%(d)s)."
        ),
        too_late=_(
            "La commission doit se tenir au plus tard le %(d)s, fin des commissions "
            "d'évaluation de la campagne."
        ),
    )
    due = evidence_due(campaign)
    if date >= due:
        return ""
    reason = (override_reason or "").strip()
    if not reason:
        raise DomainError(
            _(
                "La commission du %(date)s précède la date limite des rapports (%(report)s) "
                "ou des avis d'entreprise (%(opinion)s) : choisissez une date à partir du "
                "%(due)s, ou indiquez le motif de cette date anticipée."
            )
            % {
                "date": fr_date(date),
                "report": fr_date(campaign.report_deadline),
                "opinion": fr_date(campaign.opinion_deadline),
                "due": fr_date(due),
            },
            field="date",
            code="date_before_evidence",
        )
    return reason


def commission_session_create(
    *,
    campaign: Campaign,
    date: datetime.date,
    place: str,
    by: User,
    evaluators: Iterable[User] = (),
    override_reason: str = "",
    start_time: datetime.time | None = None,
) -> CommissionSession:
    """Staff plan a session (from Planifiée until evaluations end) with evaluators of the
    campaign's centre, dated after the evidence is due or with a reason; DomainError otherwise."""
    ensure_staff_of(by, campaign.centre_id)
    check_place(COMMISSION, place)
    seated = list(evaluators)
    _evaluator_memberships(campaign.centre_id, seated)

    def populate(session: CommissionSession) -> dict[str, Any]:
        session.evaluators.set(seated)
        after: dict[str, Any] = {
            "campaign": session.campaign_id,
            "date": session.date,
            "start_time": session.start_time,
            "place": session.place,
            "evaluators": [u.email for u in seated],
        }
        if session.date_override_reason:
            after["date_override_reason"] = session.date_override_reason
        return {"after": after}

    return session_schedule(
        COMMISSION,
        campaign=campaign,
        date=date,
        place=place,
        by=by,
        start_time=start_time,
        date_extra={"override_reason": override_reason},
        populate=populate,
    )


def commission_session_reschedule(
    *, session: CommissionSession, date: datetime.date, by: User, override_reason: str = ""
) -> CommissionSession:
    """Staff move a session to another date under the same rules as its creation (and before
    the campaign's juries); interviews already recorded keep the session; DomainError."""
    extra = {"override_reason": override_reason}
    return session_reschedule(COMMISSION, session=session, date=date, by=by, date_extra=extra)


def commission_sessions_check_calendar(*, campaign: Campaign, by: User | None = None) -> None:
    """The campaign's new calendar must still hold its sessions (CAMPAIGN_CALENDAR_CHANGED):
    raises DomainError on the campaign date a session no longer fits."""
    sessions = CommissionSession.objects.filter(campaign=campaign, cancelled_at__isnull=True)
    for session in sessions.order_by("date", "pk"):
        label = _("la commission du %(date)s (%(place)s)") % {
            "date": fr_date(session.date),
            "place": session.place,
        }
        if session.date > campaign.commission_ends:
            raise DomainError(
                _("La fin des commissions ne peut pas précéder %(session)s : déplacez-la d'abord.")
                % {"session": label},
                field="commission_ends",
            )
        if session.date < campaign.registration_opens:
            raise DomainError(
                _("L'ouverture des inscriptions ne peut pas suivre %(session)s.")
                % {"session": label},
                field="registration_opens",
            )
        if session.date < evidence_due(campaign) and not session.date_override_reason:
            field = (
                "opinion_deadline"
                if campaign.opinion_deadline > session.date
                else "report_deadline"
            )
            raise DomainError(
                _(
                    "Cette date limite tomberait après %(session)s, qui juge ces preuves : "
                    "déplacez d'abord la commission."
                )
                % {"session": label},
                field=field,
            )


def _locked_session(session: CommissionSession, message: str = "") -> CommissionSession:
    """The session, locked; DomainError once it is cancelled (it is then only read)."""
    locked = (
        CommissionSession.objects.select_for_update().select_related("campaign").get(pk=session.pk)
    )
    if locked.is_cancelled:
        raise DomainError(_("Cette commission est annulée : elle ne se modifie plus."))
    return locked


def _has_interviews(session: CommissionSession) -> bool:
    return Interview.objects.filter(registration__commission_assignment__session=session).exists()


def session_has_started(session: CommissionSession, now: datetime.datetime | None = None) -> bool:
    """A session has started on its day (at its time when it has one), or once an interview of
    one of its candidates is recorded."""
    return session.clock_has_started(now) or _has_interviews(session)


def _ensure_movable(session: CommissionSession) -> None:
    if _has_interviews(session):
        raise DomainError(
            _("Des entretiens de cette commission sont enregistrés : sa date ne change plus."),
            field="date",
        )


def commission_session_edit(
    *,
    session: CommissionSession,
    date: datetime.date,
    place: str,
    by: User,
    start_time: datetime.time | None = None,
    override_reason: str = "",
) -> CommissionSession:
    """Staff change the date, time and place of a session that has not started, under the
    rules of its creation; candidates already convoked are convoked again (the hook's
    handlers); audited before → after; DomainError otherwise."""
    return session_edit(
        COMMISSION,
        session=session,
        date=date,
        place=place,
        by=by,
        start_time=start_time,
        date_extra={"override_reason": override_reason},
    )


def commission_session_cancel(*, session: CommissionSession, reason: str, by: User) -> int:
    """Staff cancel a session that has not started, with a reason: it stays, read-only, and its
    candidates are unassigned (each audited in their history) to be assigned to another
    session, those convoked told by e-mail; returns how many were; DomainError otherwise."""
    return session_cancel(COMMISSION, session=session, reason=reason, by=by)


def _convened(session: CommissionSession) -> list[int]:
    return list(
        CommissionAssignment.objects.filter(session=session).values_list(
            "registration_id", flat=True
        )
    )


def _unassign_all(session: CommissionSession, reason: str, by: User) -> list[int]:
    """A cancellation takes its candidates off the session, each audited in their history."""
    assignments = list(
        CommissionAssignment.objects.filter(session=session).order_by("registration_id")
    )
    for assignment in assignments:
        audit_log(
            action="cqpm.commission.assignment.cancelled",
            obj=assignment,
            by=by,
            data={"before": {"session": session.pk, "date": session.date}, "reason": reason},
            registration_id=assignment.registration_id,
            centre_id=session.campaign.centre_id,
        )
    CommissionAssignment.objects.filter(pk__in=[a.pk for a in assignments]).delete()
    return [a.registration_id for a in assignments]


def _mark_cancelled(session: CommissionSession, reason: str, by: User, released: list[int]) -> None:
    session.cancelled_at, session.cancelled_by = timezone.now(), by
    session.cancellation_reason = reason
    session.save(
        update_fields=["cancelled_at", "cancelled_by", "cancellation_reason", "updated_at"]
    )
    audit_log(
        action="cqpm.commission.session.cancelled",
        obj=session,
        by=by,
        data={"reason": reason, "unassigned": len(released)},
        centre_id=session.campaign.centre_id,
    )


def _date_check(
    campaign: Campaign, date: datetime.date, extra: Mapping[str, Any]
) -> dict[str, Any]:
    reason = commission_date_check(
        campaign=campaign, date=date, override_reason=str(extra.get("override_reason") or "")
    )
    return {"date_override_reason": reason}


def _emit_dated(session: CommissionSession, by: User) -> None:
    emit(COMMISSION_SESSION_DATED, session=session, by=by)


def _emit_called_off(session: CommissionSession, ids: list[int], reason: str, by: User) -> None:
    emit(COMMISSION_SESSION_CALLED_OFF, session=session, registration_ids=ids, reason=reason, by=by)


# What a commission session declares to the one core of dated sessions (candidates.sessions).
COMMISSION: SessionKind[CommissionSession] = SessionKind(
    model=CommissionSession,
    activity=PLANNING,
    audit=SessionAudit(
        created="cqpm.commission.session.created",
        updated="cqpm.commission.session.updated",
        rescheduled="cqpm.commission.session.rescheduled",
    ),
    dated_event=COMMISSION_SESSION_DATED,
    cancelled_event=COMMISSION_SESSION_CALLED_OFF,
    convocation="interview",
    messages=SessionMessages(
        place_missing=gettext_lazy("Indiquez le lieu de la commission."),
        started_edit=gettext_lazy(
            "Cette commission a commencé : sa date et son lieu ne changent plus."
        ),
        started_cancel=gettext_lazy("Cette commission a commencé : elle ne s'annule plus."),
        frozen_date=gettext_lazy("Cette commission est annulée : elle ne se modifie plus."),
        past_date=gettext_lazy("Une commission ne peut pas être déplacée à une date passée."),
    ),
    date_check=_date_check,
    lock=_locked_session,
    has_started=session_has_started,
    ensure_movable=_ensure_movable,
    convened=_convened,
    release=_unassign_all,
    mark_cancelled=_mark_cancelled,
    emit_dated=_emit_dated,
    emit_called_off=_emit_called_off,
    dated_on_create=True,
)


def commission_session_add_evaluator(
    *, session: CommissionSession, evaluator: Any, by: User
) -> CommissionSession:
    """Add an evaluator of the centre, unless a candidate of the session is from their company."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
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
    *, session: CommissionSession, evaluator: Any, by: User
) -> CommissionSession:
    """Staff take an evaluator off a session; DomainError if they do not sit in it."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
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
    *, session: CommissionSession, registration: Registration, by: User
) -> CommissionAssignment:
    """Assign a registration of the campaign to one session, never facing an evaluator of its
    company; DomainError otherwise."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
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


def commission_assign_refusals(
    *, session: CommissionSession, registrations: Sequence[Registration]
) -> list[str]:
    """Why each candidate of a batch cannot go to this session, one French line per candidate
    refused (empty: all can): another campaign (so another centre), withdrawn, already in a
    commission, facing an evaluator of their company, or no approved evaluation dossier."""
    centre_id = session.campaign.centre_id
    evaluators = list(session.evaluators.all())
    memberships = _evaluator_memberships(centre_id, evaluators) if evaluators else {}
    ids = [r.pk for r in registrations]
    assigned = dict(
        CommissionAssignment.objects.filter(registration_id__in=ids).values_list(
            "registration_id", "session__date"
        )
    )
    dossiers = dict(
        EvaluationDossier.objects.filter(registration_id__in=ids).values_list(
            "registration_id", "status"
        )
    )
    lines = []
    for registration in registrations:
        name = registration.candidate
        status = dossiers.get(registration.pk)
        if registration.campaign_id != session.campaign_id:
            reason = _("inscrit à une autre campagne que celle de cette commission.")
        elif registration.is_withdrawn:
            reason = _("désinscrit.")
        elif registration.pk in assigned:
            reason = _("déjà affecté à la commission du %(date)s.") % {
                "date": fr_date(assigned[registration.pk])
            }
        elif status is None:
            reason = _("aucun dossier d'évaluation.")
        elif status != EvaluationDossier.Status.APPROVED:
            reason = _("dossier d'évaluation non approuvé.")
        else:
            conflicts = [m for m in memberships.values() if _conflict(m, registration)]
            if not conflicts:
                continue
            reason = _(
                "conflit d'intérêts, %(evaluator)s travaille chez %(company)s, son entreprise."
            ) % {
                "evaluator": conflicts[0].user,
                "company": registration.company.name if registration.company else "",
            }
        lines.append(_("%(name)s : %(reason)s") % {"name": name, "reason": reason})
    return lines


def commission_assign_batch(
    *, session: CommissionSession, registrations: Sequence[Registration], by: User
) -> list[CommissionAssignment]:
    """Assign several candidates to one session at once, all or none, in one transaction: every
    candidate refused is named with the reason (`commission_assign_refusals`) in a BatchRefused
    and nothing is written; a cancelled session or a campaign closed to planning refuses the
    batch. Each assignment is audited in its candidate's history."""
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
    registrations = list(registrations)
    if not registrations:
        raise DomainError(_("Cochez au moins un candidat à affecter."))
    with transaction.atomic():
        locked = _locked_session(session)
        # The candidates' rows, locked: two batches cannot both pass the checks for one of them.
        list(Registration.objects.select_for_update().filter(pk__in=[r.pk for r in registrations]))
        lines = commission_assign_refusals(session=locked, registrations=registrations)
        if lines:
            raise BatchRefused(
                ngettext(
                    "Aucun candidat n'est affecté : %(n)s candidat ne peut pas l'être.",
                    "Aucun candidat n'est affecté : %(n)s candidats ne peuvent pas l'être.",
                    len(lines),
                )
                % {"n": len(lines)},
                lines,
            )
        try:
            with transaction.atomic():
                assignments = CommissionAssignment.objects.bulk_create(
                    CommissionAssignment(session=locked, registration=r) for r in registrations
                )
        except IntegrityError as exc:
            raise DomainError(
                _("Un de ces candidats vient d'être affecté ailleurs : recommencez.")
            ) from exc
        for assignment in assignments:
            audit_log(
                action="cqpm.commission.assignment.created",
                obj=assignment,
                by=by,
                data={"after": {"session": locked.pk, "date": locked.date, "place": locked.place}},
                registration_id=assignment.registration_id,
                centre_id=centre_id,
            )
    return assignments


def commission_unassign(*, assignment: CommissionAssignment, by: User) -> None:
    """Take a candidate off a session, unless their interview is already recorded."""
    session = assignment.session
    centre_id = session.campaign.centre_id
    ensure_staff_of(by, centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
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
