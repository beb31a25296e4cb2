"""The paritaire jury: sessions, members, candidates, attendance and the start of deliberation.

DESIGN.md §5.5. Decisions, closing and amendments are in decisions.py.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Campaign, CentreMembership, Registration
from candidates.services import registration_set_stage
from candidates.sessions import (
    SessionAudit,
    SessionKind,
    SessionMessages,
    ensure_within,
    fr_date,
    session_cancel,
    session_edit,
    session_reschedule,
    session_schedule,
)
from cqpm.core.errors import DomainError
from cqpm.core.registry import emit
from cqpm.core.workflow import transition
from evaluations.models import CommissionSession

from ..events import JURY_SESSION_CALLED_OFF, JURY_SESSION_DATED
from ..models import Decision, JuryCandidate, JuryMember, JurySession
from ._common import ensure_staff_of
from ._jury import audit_jury, ensure_staff_or_president, ensure_status, lock_session
from .composition import jury_composition_check, jury_presence_check, jury_recusals_record

Status = JurySession.Status
DEFERRED = Decision.DEFERRED
PLANNING = Activity.JURY_PLANNING


# --- Dates --------------------------------------------------------------------------------------


def jury_date_check(*, campaign: Campaign, date: datetime.date) -> None:
    """A jury sits after its commission: on or after the end of the campaign's commissions and
    after every commission session of the campaign; raises DomainError on the field "date"."""
    ensure_within(
        date,
        first=campaign.commission_ends,
        too_early=_(
            "Le jury doit se tenir après la fin des commissions d'évaluation de la "
            "campagne (%(d)s)."
        ),
    )
    last = (
        CommissionSession.objects.filter(
            campaign=campaign, date__gte=date, cancelled_at__isnull=True
        )
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if last is not None:
        raise DomainError(
            _(
                "Le jury doit se tenir après la dernière commission d'évaluation de la "
                "campagne, prévue le %(date)s."
            )
            % {"date": fr_date(last)},
            field="date",
        )


def jury_sessions_check_calendar(*, campaign: Campaign, by: User | None = None) -> None:
    """The campaign's new calendar must still hold its juries (CAMPAIGN_CALENDAR_CHANGED):
    raises DomainError on "commission_ends" when a jury would sit before it."""
    early = (
        JurySession.objects.filter(campaign=campaign, date__lt=campaign.commission_ends)
        .exclude(status=Status.CANCELLED)
        .order_by("date")
        .first()
    )
    if early is not None:
        raise DomainError(
            _(
                "La fin des commissions ne peut pas suivre le jury du %(date)s : "
                "déplacez-le d'abord."
            )
            % {"date": fr_date(early.date)},
            field="commission_ends",
        )


def jury_sessions_check_commission(*, session: CommissionSession, by: User | None = None) -> None:
    """A commission dated on or after one of the campaign's juries would judge too late
    (COMMISSION_SESSION_DATED): raises DomainError on the field "date"."""
    jury = (
        JurySession.objects.filter(campaign_id=session.campaign_id, date__lte=session.date)
        .exclude(status=Status.CANCELLED)
        .order_by("date")
        .first()
    )
    if jury is not None:
        raise DomainError(
            _("Le jury du %(date)s doit suivre la commission : choisissez une date antérieure.")
            % {"date": fr_date(jury.date)},
            field="date",
        )


def jury_session_reschedule(*, session: JurySession, date: datetime.date, by: User) -> JurySession:
    """Staff move a planned jury session to another date, still after the commission; raises
    DomainError (deliberation opened, campaign status, date out of order)."""
    return session_reschedule(JURY, session=session, date=date, by=by)


def jury_session_has_started(session: JurySession, now: datetime.datetime | None = None) -> bool:
    """A jury has started once deliberation opened, or on its day (at its time if it has one)."""
    return session.status != Status.PLANNED or session.clock_has_started(now)


def jury_session_edit(
    *,
    session: JurySession,
    date: datetime.date,
    place: str,
    by: User,
    start_time: datetime.time | None = None,
) -> JurySession:
    """Staff change the date, time and place of a jury that has not started, still after the
    commission; candidates already convoked are convoked again (JURY_SESSION_DATED's
    handlers); audited before → after; DomainError otherwise."""
    return session_edit(JURY, session=session, date=date, place=place, by=by, start_time=start_time)


def jury_session_cancel(*, session: JurySession, reason: str, by: User) -> int:
    """Staff cancel a planned jury that has not started, with a reason: it stays, read-only,
    and its candidates are taken off it (each audited, stage back to after the commission) to
    be put before another jury, those convoked told by e-mail; returns how many were;
    DomainError otherwise."""
    return session_cancel(JURY, session=session, reason=reason, by=by)


def _lock_planned(session: JurySession, message: str) -> JurySession:
    locked = lock_session(session)
    ensure_status(locked, Status.PLANNED, message=message)
    return locked


def _convened(session: JurySession) -> list[int]:
    return list(
        JuryCandidate.objects.filter(session=session).values_list("registration_id", flat=True)
    )


def _unseat_all(session: JurySession, reason: str, by: User) -> list[int]:
    """A cancellation takes its candidates off the jury, each audited, their stage back to
    where it was (after the commission, or after the earlier jury that found them absent)."""
    seats = list(
        JuryCandidate.objects.filter(session=session)
        .select_related("registration")
        .order_by("registration_id")
    )
    JuryCandidate.objects.filter(pk__in=[seat.pk for seat in seats]).delete()
    for seat in seats:
        registration = seat.registration
        audit_jury(
            "cqpm.jury.candidate.cancelled",
            session,
            by,
            session,
            {"session": session.pk, "reason": reason},
            reg_id=registration.pk,
        )
        if registration.stage == Registration.Stage.JURY:
            back = (
                Registration.Stage.NOT_ADMISSIBLE
                if seat.previous_seat_id
                else Registration.Stage.COMMISSION
            )
            registration_set_stage(registration=registration, stage=back, by=by)
    return [seat.registration_id for seat in seats]


def _mark_cancelled(session: JurySession, reason: str, by: User, released: list[int]) -> None:
    transition(
        session,
        to=Status.CANCELLED,
        by=by,
        action="cqpm.jury.session.cancelled",
        allowed=JurySession.TRANSITIONS,
        changes={"cancellation_reason": reason},
        data={"reason": reason, "unseated": len(released)},
        centre_id=session.campaign.centre_id,
    )


def _date_check(
    campaign: Campaign, date: datetime.date, extra: Mapping[str, Any]
) -> dict[str, Any]:
    jury_date_check(campaign=campaign, date=date)
    return {}


def _emit_dated(session: JurySession, by: User) -> None:
    emit(JURY_SESSION_DATED, session=session, by=by)


def _emit_called_off(session: JurySession, ids: list[int], reason: str, by: User) -> None:
    emit(JURY_SESSION_CALLED_OFF, session=session, registration_ids=ids, reason=reason, by=by)


# What a jury session declares to the one core of dated sessions (candidates.sessions).
JURY: SessionKind[JurySession] = SessionKind(
    model=JurySession,
    activity=PLANNING,
    audit=SessionAudit(
        created="cqpm.jury.session.created",
        updated="cqpm.jury.session.updated",
        rescheduled="cqpm.jury.session.rescheduled",
    ),
    dated_event=JURY_SESSION_DATED,
    cancelled_event=JURY_SESSION_CALLED_OFF,
    convocation="jury",
    messages=SessionMessages(
        place_missing=gettext_lazy("Indiquez le lieu du jury."),
        started_edit=gettext_lazy(
            "Ce jury a commencé ou n'est plus planifié : il ne se modifie plus."
        ),
        started_cancel=gettext_lazy(
            "Ce jury a commencé ou n'est plus planifié : il ne s'annule plus."
        ),
        frozen_date=gettext_lazy(
            "La date d'un jury ne change plus une fois la délibération ouverte."
        ),
        past_date=gettext_lazy("Un jury ne peut pas être déplacé à une date passée."),
    ),
    date_check=_date_check,
    lock=_lock_planned,
    has_started=jury_session_has_started,
    convened=_convened,
    release=_unseat_all,
    mark_cancelled=_mark_cancelled,
    emit_dated=_emit_dated,
    emit_called_off=_emit_called_off,
    # Its planning is checked against the commissions by jury_date_check; nothing follows it.
    dated_on_create=False,
    clean=True,
)


# --- Composition ------------------------------------------------------------------------------


def _check_jury_membership(session: JurySession, membership: CentreMembership) -> None:
    if (
        membership.centre_id != session.campaign.centre_id
        or membership.role != CentreMembership.Role.JURY
    ):
        raise DomainError(
            _("%(name)s n'est pas membre de jury de ce centre d'examen.")
            % {"name": membership.user}
        )
    if membership.college not in CentreMembership.College.values:
        raise DomainError(
            _(
                "%(name)s n'a pas de collège (employeurs ou salariés) : complétez son "
                "rattachement au centre."
            )
            % {"name": membership.user}
        )


def _seat(session: JurySession, membership: CentreMembership, *, is_president: bool) -> JuryMember:
    _check_jury_membership(session, membership)
    return JuryMember.objects.create(
        session=session,
        user=membership.user,
        college=membership.college,
        is_president=is_president,
    )


def jury_session_create(
    *,
    campaign: Campaign,
    date: datetime.date,
    place: str,
    president: CentreMembership,
    members: Iterable[CentreMembership],
    by: User,
    start_time: datetime.time | None = None,
) -> JurySession:
    """Staff plan a campaign's jury session (from Planifiée to Jury) after its commission, with
    its members and exactly one president; raises DomainError (not staff, campaign status, date
    before the commission, a member not on the centre's jury or collegeless, a composition
    against the rules: both colleges, a president, the quorum — composition.py)."""

    def populate(session: JurySession) -> dict[str, Any]:
        seats = {m.pk: m for m in members}
        seats[president.pk] = president
        seated = [
            _seat(session, membership, is_president=membership.pk == president.pk)
            for membership in seats.values()
        ]
        jury_composition_check(members=seated)
        return {
            "date": session.date.isoformat(),
            "start_time": start_time.isoformat("minutes") if start_time else None,
            "place": session.place,
            "president": president.user_id,
            "members": sorted(m.user_id for m in seats.values()),
        }

    return session_schedule(
        JURY,
        campaign=campaign,
        date=date,
        place=place,
        by=by,
        start_time=start_time,
        populate=populate,
    )


def _lock_while_composing(session: JurySession) -> JurySession:
    """Lock the session; its composition changes only before deliberation opens."""
    session = lock_session(session)
    ensure_status(
        session,
        Status.PLANNED,
        message=_("La composition du jury ne se modifie plus une fois la délibération ouverte."),
    )
    return session


def jury_member_add(
    *, session: JurySession, membership: CentreMembership, is_president: bool = False, by: User
) -> JuryMember:
    """Staff seat a jury member of the centre before deliberation; as president, they replace
    the previous one; raises DomainError (already seated, not jury, deliberation started)."""
    ensure_staff_of(by, session.campaign.centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
    with transaction.atomic():
        session = _lock_while_composing(session)
        if session.members.filter(user_id=membership.user_id).exists():
            raise DomainError(_("%(name)s siège déjà dans ce jury.") % {"name": membership.user})
        if is_president:
            session.members.filter(is_president=True).update(is_president=False)
        member = _seat(session, membership, is_president=is_president)
        audit_jury(
            "cqpm.jury.member.added",
            session,
            by,
            session,
            {"user": member.user_id, "college": member.college, "president": is_president},
        )
    return member


def jury_member_remove(*, member: JuryMember, by: User) -> None:
    """Staff remove a member before deliberation; raises DomainError once it has started."""
    session = member.session
    ensure_staff_of(by, session.campaign.centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
    with transaction.atomic():
        session = _lock_while_composing(session)
        JuryMember.objects.filter(pk=member.pk).delete()
        audit_jury(
            "cqpm.jury.member.removed",
            session,
            by,
            session,
            {"user": member.user_id, "college": member.college, "president": member.is_president},
        )


# --- Candidates -------------------------------------------------------------------------------


def jury_candidates_assign(
    *, session: JurySession, registrations: Iterable[Registration], by: User
) -> int:
    """Staff bring registrations of the campaign before an open jury session (results validated or
    not yet), or again before a later session after an « absent » or « excusé »; raises
    DomainError for another campaign, a withdrawn candidate, one already before this jury or one
    whose current decision does not allow another session."""
    ensure_staff_of(by, session.campaign.centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
    with transaction.atomic():
        session = lock_session(session)
        ensure_status(
            session,
            Status.PLANNED,
            Status.DELIBERATING,
            message=_("La session est close : aucun candidat ne peut y être ajouté."),
        )
        # Registration rows locked in a fixed order: two staff seating the same candidate on two
        # sessions at once are serialised, and the second sees the first's seat.
        locked = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(pk__in=[r.pk for r in registrations])
            .select_related("candidate")
            .order_by("pk")
        )
        seats = [
            JuryCandidate(
                session=session,
                registration=registration,
                previous_seat=_previous_seat(session, registration),
            )
            for registration in locked
        ]
        JuryCandidate.objects.bulk_create(seats)
        for seat in seats:
            _after_seating(session, seat, by)
        if session.status == Status.DELIBERATING:
            jury_recusals_record(session=session, by=by, registrations=locked)
    return len(seats)


def _after_seating(session: JurySession, seat: JuryCandidate, by: User) -> None:
    registration = seat.registration
    data = {"session": session.pk}
    if seat.previous_seat is not None:
        data["previous_session"] = seat.previous_seat.session_id
    audit_jury("cqpm.jury.candidate.assigned", session, by, session, data, reg_id=registration.pk)
    # A candidate absent or excused at an earlier jury is before a jury again.
    if registration.stage not in Registration.DECIDED_STAGES or seat.previous_seat is not None:
        registration_set_stage(registration=registration, stage=Registration.Stage.JURY, by=by)


def _previous_seat(session: JurySession, registration: Registration) -> JuryCandidate | None:
    """The seat this one follows (None for a first seat); DomainError when not assignable."""
    name = registration.candidate
    if registration.campaign_id != session.campaign_id:
        raise DomainError(
            _("%(name)s n'est pas inscrit à la campagne de ce jury.") % {"name": name}
        )
    if registration.is_withdrawn:
        raise DomainError(_("%(name)s est désinscrit.") % {"name": name})
    last = (
        JuryCandidate.objects.filter(registration_id=registration.pk, next_seat__isnull=True)
        .select_related("session")
        .first()
    )
    if last is None:
        return None
    if last.session_id == session.pk:
        raise DomainError(_("%(name)s est déjà présenté à ce jury.") % {"name": name})
    current = Decision.objects.filter(registration_id=registration.pk, is_active=True).first()
    if not last.session.is_closed or current is None or current.outcome not in DEFERRED:
        raise DomainError(
            _(
                "%(name)s est déjà présenté à un jury (%(session)s). Un candidat n'est présenté "
                "à un autre jury qu'après la clôture de celui-ci, s'il y a été déclaré absent "
                "ou excusé."
            )
            % {"name": name, "session": last.session}
        )
    if session.date <= last.session.date:
        raise DomainError(
            _(
                "%(name)s a été déclaré %(outcome)s au %(session)s : il ne peut être présenté "
                "qu'à un jury postérieur."
            )
            % {
                "name": name,
                "outcome": current.get_outcome_display().lower(),
                "session": last.session,
            }
        )
    return last


def jury_candidate_remove(*, candidate: JuryCandidate, by: User) -> None:
    """Staff withdraw a candidate from a session before any decision on them; raises DomainError
    once a decision is recorded or the session is closed."""
    session = candidate.session
    ensure_staff_of(by, session.campaign.centre_id)
    campaign_ensure_allows(campaign=session.campaign, activity=PLANNING)
    with transaction.atomic():
        session = lock_session(session)
        ensure_status(
            session,
            Status.PLANNED,
            Status.DELIBERATING,
            message=_("La session est close : la liste des candidats ne se modifie plus."),
        )
        registration = candidate.registration
        if Decision.objects.filter(registration_id=registration.pk, session=session).exists():
            raise DomainError(
                _("Une décision est enregistrée pour %(name)s : le candidat reste au jury.")
                % {"name": registration.candidate}
            )
        JuryCandidate.objects.filter(pk=candidate.pk).delete()
        audit_jury(
            "cqpm.jury.candidate.removed",
            session,
            by,
            session,
            {"session": session.pk},
            reg_id=registration.pk,
        )
        if registration.stage == Registration.Stage.JURY:
            # Back where it was: after the commission, or after the earlier jury that recorded
            # the absence (which left it not admissible).
            back = (
                Registration.Stage.NOT_ADMISSIBLE
                if candidate.previous_seat_id
                else Registration.Stage.COMMISSION
            )
            registration_set_stage(registration=registration, stage=back, by=by)


# --- Attendance and deliberation --------------------------------------------------------------


def jury_attendance_record(
    *, session: JurySession, present_ids: Iterable[int], by: User
) -> JurySession:
    """Staff or the president record who signed the attendance sheet; a signature is not erased
    once deliberation started; raises DomainError on a closed session."""
    ensure_staff_or_president(session, by)
    campaign_ensure_allows(campaign=session.campaign, activity=Activity.DELIBERATION)
    wanted = set(present_ids)
    now = timezone.now()
    with transaction.atomic():
        session = lock_session(session)
        ensure_status(
            session,
            Status.PLANNED,
            Status.DELIBERATING,
            message=_("La session est close : la feuille d'émargement ne se modifie plus."),
        )
        members = list(session.members.select_for_update())
        before = sorted(m.user_id for m in members if m.present)
        for member in members:
            if member.pk in wanted and not member.present:
                member.present, member.signed_at = True, now
                member.save(update_fields=["present", "signed_at"])
            elif member.pk not in wanted and member.present:
                if session.status != Status.PLANNED:
                    raise DomainError(
                        _(
                            "La signature de %(name)s ne peut pas être retirée : la "
                            "délibération est ouverte."
                        )
                        % {"name": member.user}
                    )
                member.present, member.signed_at = False, None
                member.save(update_fields=["present", "signed_at"])
        after = sorted(m.user_id for m in members if m.present)
        audit_jury(
            "cqpm.jury.attendance.recorded",
            session,
            by,
            session,
            {"before": before, "after": after},
        )
    return session


def jury_deliberation_start(*, session: JurySession, by: User) -> JurySession:
    """Open deliberation (planned -> deliberating) once the members present form a jury (both
    colleges, the president, the quorum: composition.py), with the campaign at the jury; members
    of a candidate's company are kept out of that decision (recorded); raises DomainError
    (French message naming the rule)."""
    ensure_staff_or_president(session, by)
    campaign_ensure_allows(campaign=session.campaign, activity=Activity.DELIBERATION)
    with transaction.atomic():
        session = lock_session(session)
        members = list(session.members.select_related("user"))
        jury_presence_check(members=members)
        if not session.candidates.exists():
            raise DomainError(_("Aucun candidat n'est présenté à ce jury."))
        jury_recusals_record(session=session, by=by)
        return transition(
            session,
            to=Status.DELIBERATING,
            by=by,
            action="cqpm.jury.deliberation.started",
            allowed=JurySession.TRANSITIONS,
            data={"present": sorted(m.user_id for m in members if m.present)},
            centre_id=session.campaign.centre_id,
        )
