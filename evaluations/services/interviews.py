"""The commission's interview with the candidate, recorded by the evaluators of the candidate's
session (DESIGN.md §5.3). Audit codes `cqpm.interview.*`."""

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity
from candidates.models import Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError

from ..models import CommissionSession, Interview, InterviewNote
from ._common import advance_stage, centre_id_of, ensure_active, ensure_campaign_allows


def _session_of(registration: Registration) -> CommissionSession:
    session = CommissionSession.objects.filter(assignments__registration=registration).first()
    if session is None:
        raise DomainError(_("Ce candidat n'est affecté à aucune commission d'évaluation."))
    return session


def _checked_evaluators(
    session: CommissionSession, present: Iterable[User], by: User
) -> list[User]:
    seated = set(session.evaluators.values_list("pk", flat=True))
    if by is None or by.pk not in seated:
        raise DomainError(
            _("Seuls les évaluateurs de la commission de ce candidat enregistrent l'entretien."),
            code="forbidden",
        )
    present = list(present)
    if not present:
        raise DomainError(_("Indiquez au moins un évaluateur présent."))
    strangers = [str(user) for user in present if user.pk not in seated]
    if strangers:
        raise DomainError(
            _("%(names)s ne siège pas dans la commission de ce candidat.")
            % {"names": ", ".join(strangers)}
        )
    return present


def interview_record(
    *,
    registration: Registration,
    date: datetime.date,
    evaluators: Iterable[User],
    by: User,
    general_notes: str = "",
    notes: Mapping[int, str] | None = None,
) -> Interview:
    """An evaluator of the session records (or corrects) the interview while evaluations are in
    progress; DomainError otherwise."""
    ensure_campaign_allows(registration, Activity.INTERVIEW)
    ensure_active(registration)
    session = _session_of(registration)
    present = _checked_evaluators(session, evaluators, by)
    notes = notes or {}
    capacity_ids = set(registration.campaign.referential.capacities.values_list("pk", flat=True))
    if not set(notes) <= capacity_ids:
        raise DomainError(_("Capacité inconnue pour le référentiel de cette campagne."))
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        interview = Interview.objects.filter(registration=registration).first()
        before = _snapshot(interview) if interview else None
        if interview is None:
            interview = Interview(registration=registration, recorded_by=by, date=date)
        interview.date = date
        interview.general_notes = general_notes.strip()
        interview.recorded_by = by
        interview.save()
        interview.evaluators.set(present)
        for capacity_id, text in notes.items():
            InterviewNote.objects.update_or_create(
                interview=interview, capacity_id=capacity_id, defaults={"notes": text.strip()}
            )
        audit_log(
            action="cqpm.interview.updated" if before else "cqpm.interview.recorded",
            obj=interview,
            by=by,
            data={"before": before, "after": _snapshot(interview)},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
        advance_stage(registration=registration, to=Registration.Stage.EVIDENCE, by=by)
    return interview


def _snapshot(interview: Interview) -> dict[str, object]:
    return {
        "date": interview.date,
        "evaluators": sorted(interview.evaluators.values_list("email", flat=True)),
    }
