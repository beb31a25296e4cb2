"""The paritaire jury: sessions, members, candidates, attendance and the start of deliberation.

DESIGN.md §5.5. Decisions, closing and amendments are in decisions.py.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Campaign, CentreMembership, Registration
from candidates.services import registration_set_stage
from cqpm.core.errors import DomainError, full_clean_or_raise
from cqpm.core.registry import emit
from cqpm.core.workflow import transition
from evaluations.models import CommissionSession

from ..events import JURY_SESSION_DATED
from ..models import Decision, JuryCandidate, JuryMember, JurySession
from ._common import ensure_staff_of
from ._jury import audit_jury, ensure_staff_or_president, ensure_status, lock_session
from .composition import jury_composition_check, jury_presence_check, jury_recusals_record

Status = JurySession.Status
DEFERRED = Decision.DEFERRED
PLANNING = Activity.JURY_PLANNING


# --- Dates --------------------------------------------------------------------------------------


def _fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def jury_date_check(*, campaign: Campaign, date: datetime.date) -> None:
    """A jury sits after its commission: on or after the end of the campaign's commissions and
    after every commission session of the campaign; raises DomainError on the field "date"."""
    if date < campaign.commission_ends:
        raise DomainError(
            _(
                "Le jury doit se tenir après la fin des commissions d'évaluation de la "
                "campagne (%(end)s)."
            )
            % {"end": _fr(campaign.commission_ends)},
            field="date",
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
            % {"date": _fr(last)},
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
            % {"date": _fr(early.date)},
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
            % {"date": _fr(jury.date)},
            field="date",
        )


def jury_session_reschedule(*, session: JurySession, date: datetime.date, by: User) -> JurySession:
    """Staff move a planned jury session to another date, still after the commission; raises
    DomainError (deliberation opened, campaign status, date out of order)."""
    ensure_staff_of(by, session.campaign.centre_id)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=session.campaign_id)
        campaign_ensure_allows(campaign=campaign, activity=PLANNING)
        locked = lock_session(session)
        ensure_status(
            locked,
            Status.PLANNED,
            message=_("La date d'un jury ne change plus une fois la délibération ouverte."),
        )
        jury_date_check(campaign=campaign, date=date)
        before = locked.date
        locked.date = date
        locked.save(update_fields=["date", "updated_at"])
        emit(JURY_SESSION_DATED, session=locked, by=by)
        audit_jury(
            "cqpm.jury.session.rescheduled",
            locked,
            by,
            locked,
            {"before": {"date": before.isoformat()}, "after": {"date": date.isoformat()}},
        )
    return locked


def jury_session_has_started(session: JurySession, now: datetime.datetime | None = None) -> bool:
    """A jury has started once deliberation opened, or on its day (at its time if it has one)."""
    if session.status != Status.PLANNED:
        return True
    now = timezone.localtime(now)
    today = now.date()
    return session.date < today or (
        session.date == today and (session.start_time is None or session.start_time <= now.time())
    )


def _lock_before_start(session: JurySession, message: str) -> JurySession:
    locked = lock_session(session)
    ensure_status(locked, Status.PLANNED, message=message)
    if jury_session_has_started(locked):
        raise DomainError(message, code="started")
    return locked


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
    ensure_staff_of(by, session.campaign.centre_id)
    place = (place or "").strip()
    if not place:
        raise DomainError(_("Indiquez le lieu du jury."), field="place")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=session.campaign_id)
        campaign_ensure_allows(campaign=campaign, activity=PLANNING)
        locked = _lock_before_start(
            session, _("Ce jury a commencé ou n'est plus planifié : il ne se modifie plus.")
        )
        jury_date_check(campaign=campaign, date=date)
        fields = ("date", "start_time", "place")
        before = {name: getattr(locked, name) for name in fields}
        after = {"date": date, "start_time": start_time, "place": place}
        if before == after:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        full_clean_or_raise(locked)
        locked.save(update_fields=[*fields, "updated_at"])
        emit(JURY_SESSION_DATED, session=locked, by=by)
        changed = [name for name in fields if before[name] != after[name]]
        audit_jury(
            "cqpm.jury.session.updated",
            locked,
            by,
            locked,
            {
                "before": {name: _plain(before[name]) for name in changed},
                "after": {name: _plain(after[name]) for name in changed},
            },
        )
    return locked


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def jury_session_cancel(*, session: JurySession, reason: str, by: User) -> int:
    """Staff cancel a planned jury that has not started, with a reason: it stays, read-only,
    and its candidates are taken off it (each audited, stage back to after the commission) to
    be put before another jury; returns how many were; DomainError otherwise."""
    ensure_staff_of(by, session.campaign.centre_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de l'annulation."), field="reason")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=session.campaign_id)
        campaign_ensure_allows(campaign=campaign, activity=PLANNING)
        locked = _lock_before_start(
            session, _("Ce jury a commencé ou n'est plus planifié : il ne s'annule plus.")
        )
        seats = list(
            JuryCandidate.objects.filter(session=locked)
            .select_related("registration")
            .order_by("registration_id")
        )
        JuryCandidate.objects.filter(pk__in=[seat.pk for seat in seats]).delete()
        for seat in seats:
            registration = seat.registration
            audit_jury(
                "cqpm.jury.candidate.cancelled",
                locked,
                by,
                locked,
                {"session": locked.pk, "reason": reason},
                reg_id=registration.pk,
            )
            if registration.stage == Registration.Stage.JURY:
                back = (
                    Registration.Stage.NOT_ADMISSIBLE
                    if seat.previous_seat_id
                    else Registration.Stage.COMMISSION
                )
                registration_set_stage(registration=registration, stage=back, by=by)
        transition(
            locked,
            to=Status.CANCELLED,
            by=by,
            action="cqpm.jury.session.cancelled",
            allowed=JurySession.TRANSITIONS,
            changes={"cancellation_reason": reason},
            data={"reason": reason, "unseated": len(seats)},
            centre_id=campaign.centre_id,
        )
    return len(seats)


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
    ensure_staff_of(by, campaign.centre_id)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign_ensure_allows(campaign=campaign, activity=PLANNING)
        jury_date_check(campaign=campaign, date=date)
        session = JurySession(
            campaign=campaign, date=date, start_time=start_time, place=(place or "").strip()
        )
        full_clean_or_raise(session)
        session.save()
        seats = {m.pk: m for m in members}
        seats[president.pk] = president
        seated = [
            _seat(session, membership, is_president=membership.pk == president.pk)
            for membership in seats.values()
        ]
        jury_composition_check(members=seated)
        audit_jury(
            "cqpm.jury.session.created",
            session,
            by,
            session,
            {
                "date": date.isoformat(),
                "start_time": start_time.isoformat("minutes") if start_time else None,
                "place": session.place,
                "president": president.user_id,
                "members": sorted(m.user_id for m in seats.values()),
            },
        )
    return session


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
