"""Convocations: a candidate is convoked to the commission's interview or to the jury (date,
time, place and the centre's address, what to bring) by a French e-mail with the convocation as
a PDF, copied to their tutor; a candidate without an e-mail address gets the same PDF kept for
staff to print (nothing is lost in silence). Rendered by workers only (the bulk job's task, or
`send_convocation` after a change of date), never in a request. Each one is recorded and written
to the registration's history.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from candidates.models import Registration
from cqpm.core.access import can_id
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.mail import mail_queue_message, send_templated
from cqpm.core.pdf import render_pdf
from cqpm.core.queueing import enqueue_on_commit
from deliberations.models import JuryCandidate, JurySession
from evaluations.models import CommissionAssignment

from .calendar import convocation_ics, ics_filename
from .kinds import INTERVIEW_CONVOCATION, JURY_CONVOCATION, convocation_kind
from .models import Convocation
from .rendering import centre_city
from .services import store_atomically

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Appointment:
    kind: str
    session_id: int
    date: datetime.date
    start_time: datetime.time | None
    place: str

    def same_as(self, convocation: Convocation | None) -> bool:
        return convocation is not None and (
            convocation.session_id,
            convocation.date,
            convocation.start_time,
            convocation.place,
        ) == (self.session_id, self.date, self.start_time, self.place)


def appointment_of(*, registration: Registration, kind: str) -> Appointment:
    """Where and when the candidate is expected; DomainError when nothing is planned."""
    session = convocation_kind(kind).session_of(registration)
    return Appointment(kind, session.pk, session.date, session.start_time, session.place)


def interview_session(registration: Registration) -> Any:
    """The commission session the candidate is assigned to (documents.kinds: the interview)."""
    assignment = (
        CommissionAssignment.objects.filter(registration=registration)
        .select_related("session")
        .first()
    )
    if assignment is None or assignment.session.is_cancelled:
        raise DomainError(_("%(name)s n'est affecté à aucune commission.") % _name(registration))
    return assignment.session


def jury_session(registration: Registration) -> Any:
    """The latest planned jury session the candidate is presented to (documents.kinds)."""
    seat = (
        JuryCandidate.objects.filter(
            registration=registration, session__status=JurySession.Status.PLANNED
        )
        .select_related("session")
        .order_by("-session__date")
        .first()
    )
    if seat is None:
        raise DomainError(_("%(name)s n'est présenté à aucun jury planifié.") % _name(registration))
    return seat.session


def _name(registration: Registration) -> dict[str, str]:
    return {"name": str(registration.candidate)}


def last_convocation(*, registration: Registration, kind: str) -> Convocation | None:
    return Convocation.objects.filter(registration=registration, kind=kind).first()


def person_name(candidate: Any) -> str:
    """« Madame Karim Benali »: the civility in words, the first name, the name as written
    (a name typed in capitals, « BENALI », in its usual case)."""
    last_name = candidate.last_name
    if last_name.isupper():
        last_name = last_name.title()
    civility = candidate.Civility(candidate.civility).label if candidate.civility else ""
    return " ".join(part for part in (str(civility), candidate.first_name, last_name) if part)


def convocation_html(
    *, registration: Registration, appointment: Appointment, issued_on: datetime.date
) -> str:
    """The convocation as an official letter: the centre's letterhead and address, the
    candidate's, place and date of issue, date, hour, place and address of the appointment,
    the words agreed with the civility, the centre's signatory."""
    campaign = registration.campaign
    centre = campaign.centre
    candidate = registration.candidate
    kind = convocation_kind(appointment.kind)
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            kind.template,
            {
                "registration": registration,
                "candidate": candidate,
                "feminine": candidate.civility == candidate.Civility.MADAME,
                "campaign": campaign,
                "centre": centre,
                "centre_lines": [line.strip() for line in centre.address.splitlines() if line],
                "city": centre_city(centre),
                "issued_on": issued_on,
                "appointment": appointment,
                "is_jury": kind.jury,
                "to_bring": list(kind.to_bring),
                "signatory_title": centre.signatory_title,
                "signatory_name": centre.signatory_name,
            },
        )


def convocation_pdf(
    *, registration: Registration, appointment: Appointment, issued_on: datetime.date | None = None
) -> bytes:
    """The convocation's PDF (a pure function of what it announces and its day of issue)."""
    issued_on = issued_on or timezone.localdate()
    html = convocation_html(registration=registration, appointment=appointment, issued_on=issued_on)
    return render_pdf(html=html)


def convocation_send(
    *, registration: Registration, kind: str, by: User | None, only_if_changed: bool = False
) -> Convocation | None:
    """Convoke the candidate (staff of the centre, or the system after a change of date):
    the PDF attached to a French e-mail to them, copied to their tutor, sent after the commit,
    recorded and audited; with `only_if_changed`, nothing is sent when the last convocation
    already announced the same appointment (returns None). Raises DomainError."""
    centre_id = registration.campaign.centre_id
    if by is not None and not by.is_superuser and not can_id(by, "centre.manage", centre_id):
        raise DomainError(_("Vous ne faites pas partie du personnel de ce centre d'examen."))
    if registration.is_withdrawn:
        raise DomainError(_("%(name)s est désinscrit.") % _name(registration))
    candidate = registration.candidate
    appointment = appointment_of(registration=registration, kind=kind)
    previous = last_convocation(registration=registration, kind=kind)
    if only_if_changed and (previous is None or appointment.same_as(previous)):
        return None
    pdf = convocation_pdf(registration=registration, appointment=appointment)
    if not candidate.email:
        return _keep_to_print(registration, appointment, pdf, by=by, previous=previous)
    recipients = [candidate.email]
    tutor_email = registration.tutor.email if registration.tutor is not None else ""
    sequence = Convocation.objects.filter(registration=registration, kind=kind).count()
    message = _message(
        registration, appointment, pdf, tutor_email, resent=previous is not None, sequence=sequence
    )
    with transaction.atomic():
        convocation = _record(
            registration,
            appointment,
            pdf,
            by=by,
            recipients=recipients + ([tutor_email] if tutor_email else []),
        )
        audit_log(
            action="cqpm.convocation.resent" if previous else "cqpm.convocation.sent",
            obj=convocation,
            by=by,
            data={
                "convocation": kind,
                "date": appointment.date,
                "start_time": appointment.start_time,
                "place": appointment.place,
            },
            registration_id=registration.pk,
            centre_id=centre_id,
        )
        mail_queue_message(message, kind=f"documents/convocation-{kind}")
    return convocation


def _record(
    registration: Registration,
    appointment: Appointment,
    pdf: bytes,
    *,
    by: User | None,
    recipients: list[str],
    printable: str = "",
) -> Convocation:
    return Convocation.objects.create(
        registration=registration,
        kind=appointment.kind,
        session_id=appointment.session_id,
        date=appointment.date,
        start_time=appointment.start_time,
        place=appointment.place,
        recipients=recipients,
        sha256=hashlib.sha256(pdf).hexdigest(),
        printable=printable,
        sent_by=by if getattr(by, "is_authenticated", False) else None,
    )


def _keep_to_print(
    registration: Registration,
    appointment: Appointment,
    pdf: bytes,
    *,
    by: User | None,
    previous: Convocation | None,
) -> Convocation:
    """No e-mail address: the PDF stored for staff to print (the registration's page offers
    it), recorded and audited like a sending."""
    digest = hashlib.sha256(pdf).hexdigest()
    name = store_atomically(
        f"convocations/{registration.pk}/{appointment.kind}-{digest[:16]}.pdf", pdf
    )
    with transaction.atomic():
        convocation = _record(registration, appointment, pdf, by=by, recipients=[], printable=name)
        audit_log(
            action="cqpm.convocation.printable",
            obj=convocation,
            by=by,
            data={
                "convocation": appointment.kind,
                "date": appointment.date,
                "start_time": appointment.start_time,
                "place": appointment.place,
                "replaces": previous is not None,
            },
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )
    return convocation


def _message(
    registration, appointment: Appointment, pdf: bytes, tutor_email: str, *, resent, sequence=0
):
    candidate = registration.candidate
    kind = convocation_kind(appointment.kind)
    context = {
        "candidate": candidate,
        "greeting": person_name(candidate),
        "feminine": candidate.civility == candidate.Civility.MADAME,
        "centre": registration.campaign.centre,
        "centre_address": ", ".join(
            line.strip() for line in registration.campaign.centre.address.splitlines() if line
        ),
        "campaign": registration.campaign,
        "appointment": appointment,
        "is_jury": kind.jury,
        "resent": resent,
        "to_bring": list(kind.to_bring),
    }
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("documents/email/convocation.txt", context)
        what = str(kind.subject)
        subject = (_("Nouvelle convocation %(what)s") if resent else _("Convocation %(what)s")) % {
            "what": what
        }
    message = EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[registration.candidate.email],
        cc=[tutor_email] if tutor_email else [],
    )
    name = f"convocation-{appointment.kind}-{appointment.date:%Y-%m-%d}.pdf"
    message.attach(name, pdf, "application/pdf")
    # The same appointment for a calendar (the candidate's space offers it too).
    ics = convocation_ics(registration=registration, appointment=appointment, sequence=sequence)
    message.attach(ics_filename(appointment), ics, "text/calendar")
    return message


# --- Reactions to a change of date ---------------------------------------------------------


def _resend_convoked(kind: str, session_id: int, by: User | None) -> None:
    convoked = (
        Convocation.objects.filter(kind=kind, session_id=session_id)
        .values_list("registration_id", flat=True)
        .distinct()
    )
    for registration_id in sorted(set(convoked)):
        enqueue_on_commit(
            "documents.tasks.send_convocation", registration_id, kind, getattr(by, "pk", None)
        )


def on_commission_session_dated(*, session: Any, by: User | None = None) -> None:
    """COMMISSION_SESSION_DATED: those already convoked to it are convoked again (after the
    commit, by a worker; only when what they hold differs)."""
    _resend_convoked(INTERVIEW_CONVOCATION.code, session.pk, by)


def on_jury_session_dated(*, session: Any, by: User | None = None) -> None:
    """JURY_SESSION_DATED: the same for a jury session."""
    _resend_convoked(JURY_CONVOCATION.code, session.pk, by)


def convocation_resend(*, registration_id: int, kind: str, by_id: int | None) -> None:
    """The task's body: convoke again if the appointment changed; a refusal is only logged
    (the candidate may have been unassigned meanwhile)."""
    from accounts.models import User

    registration = Registration.objects.select_related("candidate", "campaign", "tutor").get(
        pk=registration_id
    )
    by = User.objects.filter(pk=by_id).first() if by_id else None
    try:
        convocation_send(registration=registration, kind=kind, by=by, only_if_changed=True)
    except DomainError:
        return


# --- Reactions to a cancellation ----------------------------------------------------------


def _tell_called_off(
    kind: str, session: Any, registration_ids: list[int], reason: str, by: User | None
) -> None:
    """Those convoked to a session now cancelled are told, once each, by a French e-mail (to
    them and their tutor, sent after the commit by the one outbox); each is audited in their
    history (without an e-mail address too: staff tell them)."""
    latest: dict[int, Convocation] = {}
    for convocation in Convocation.objects.filter(
        kind=kind, session_id=session.pk, registration_id__in=registration_ids
    ).order_by("registration_id", "-sent_at", "-id"):
        latest.setdefault(convocation.registration_id, convocation)
    registrations = Registration.objects.filter(pk__in=list(latest)).select_related(
        "candidate", "tutor", "campaign__centre"
    )
    declared = convocation_kind(kind)
    what = str(declared.subject)
    for registration in registrations.order_by("pk"):
        convocation = latest[registration.pk]
        candidate = registration.candidate
        tutor_email = registration.tutor.email if registration.tutor is not None else ""
        addresses = [a for a in (candidate.email, tutor_email) if a]
        send_templated(
            template="documents/email/convocation_cancelled",
            to=addresses,
            subject=_("Annulation de votre convocation %(what)s") % {"what": what},
            context={
                "greeting": person_name(candidate),
                "candidate": candidate,
                "feminine": candidate.civility == candidate.Civility.MADAME,
                "is_jury": declared.jury,
                "campaign": registration.campaign,
                "centre": registration.campaign.centre,
                "convocation": convocation,
                "reason": reason,
            },
        )
        audit_log(
            action="cqpm.convocation.cancelled",
            obj=convocation,
            by=by,
            data={
                "convocation": kind,
                "date": convocation.date,
                "start_time": convocation.start_time,
                "place": convocation.place,
                "reason": reason,
                "emailed": bool(candidate.email),
            },
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )


def on_session_called_off(
    kind: str, *, session: Any, registration_ids: list[int], reason: str, by: User | None = None
) -> None:
    """A session's « cancelled » event (its kind's declaration names the convocation kind, see
    seams.py): those convoked to it are told."""
    _tell_called_off(kind, session, registration_ids, reason, by)
