"""The candidate's space: staff invite a person, who then signs in by a code e-mailed to them
(allauth's login by code: no password, no sign-up); the candidate answers convocations, asks
for corrections of their data (staff accept or refuse), confirms it, and hands in their report
through the evaluations app's one upload service. Every write is audited."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import IO, Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import account_find_or_invite
from candidates.models import Candidate, Registration
from candidates.services import PersonData
from cqpm.core.access import ensure_centre_staff
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.mail import mail_queue
from cqpm.core.workflow import transition
from documents.models import Convocation
from evaluations.models import Report
from evaluations.services.reports import report_upload
from privacy.export import personal_data_export
from privacy.services import person_correct

from .models import ConvocationAnswer, CorrectionRequest, DataReview
from .selectors import decision_in_force

# What the commission, the company and the jury recorded: shown to the candidate once decided.
HIDDEN_BEFORE_DECISION = (
    "cqpm.commission.result",
    "cqpm.interview.",
    "cqpm.opinion.",
    "cqpm.jury.decision.",
)
CORRECTABLE = ("civility", "last_name", "first_name", "birth_date", "email", "phone", "address")
MAX_TEXT = 2000


def _ensure_staff(by: User, registration: Registration) -> None:
    ensure_centre_staff(by, registration.campaign.centre_id)


def _ensure_holder(by: User, registration: Registration) -> None:
    if registration.candidate.account_id is None or registration.candidate.account_id != by.pk:
        raise DomainError(_("Cette inscription n'est pas la vôtre."), code="forbidden")


class Where(TypedDict):
    """Where an audit entry of the candidate's space is filed."""

    registration_id: int
    centre_id: int


def _where(registration: Registration) -> Where:
    return {"registration_id": registration.pk, "centre_id": registration.campaign.centre_id}


# --- Invitation ----------------------------------------------------------------------------------


def candidate_invite(*, registration: Registration, by: User) -> Candidate:
    """Open (or reopen) the person's space: their account found or made from their e-mail (one
    account across campaigns and centres, no password), linked to the person, and an e-mail
    telling them how to sign in by code, sent on commit; DomainError without an e-mail."""
    _ensure_staff(by, registration)
    if registration.is_withdrawn:
        raise DomainError(_("%(name)s est désinscrit.") % {"name": registration.candidate})
    candidate = registration.candidate
    if not candidate.email:
        raise DomainError(
            _("%(name)s n'a pas d'adresse e-mail : ajoutez-la avant de l'inviter.")
            % {"name": candidate}
        )
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        user, created = account_find_or_invite(
            email=locked.email,
            first_name=locked.first_name,
            last_name=locked.last_name,
            by=by,
            welcome=False,
            **_where(registration),
        )
        again = locked.account_id == user.pk
        locked.account = user
        locked.save(update_fields=["account", "updated_at"])
        audit_log(
            action="cqpm.portal.candidate.invited",
            obj=locked,
            by=by,
            data={"email": user.email, "again": again, "new_account": created},
            **_where(registration),
        )
        _send_invitation(user, registration)  # queued in the outbox, sent after the commit
    registration.candidate = locked
    return locked


def _send_invitation(user: User, registration: Registration) -> None:
    campaign = registration.campaign
    link = settings.SITE_URL.rstrip("/") + reverse("account_request_login_code")
    mail_queue(
        to=[user.email],
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Votre espace candidat CQPM"),
        body=_(
            "Bonjour,\n\n%(centre)s vous ouvre votre espace candidat pour la qualification "
            "« %(title)s » (%(campaign)s).\n\nVous y remettez votre rapport, confirmez vos "
            "convocations, vérifiez vos données et, après le jury, retrouvez votre résultat, "
            "votre attestation et votre badge numérique.\n\nPour vous connecter, ouvrez %(link)s "
            "et saisissez votre adresse %(email)s : un code de connexion vous est envoyé par "
            "e-mail. Aucun mot de passe n'est nécessaire.\n"
        )
        % {
            "centre": campaign.centre.name,
            "title": campaign.referential.title,
            "campaign": campaign.name,
            "link": link,
            "email": user.email,
        },
        kind="portal/invitation",
    )


# --- Report --------------------------------------------------------------------------------------


def candidate_report_upload(
    *, registration: Registration, upload: IO[bytes], original_name: str, by: User
) -> Report:
    """The candidate hands in their report: the staff upload's one service (same PDF checks,
    limits, versions and late flag), before the deadline only; DomainError."""
    _ensure_holder(by, registration)
    return report_upload(
        registration=registration, upload=upload, original_name=original_name, by=by
    )


# --- Convocations --------------------------------------------------------------------------------


def convocation_answer(
    *, convocation: Convocation, by: User, answer: str, reason: str = ""
) -> ConvocationAnswer:
    """Acknowledge a convocation or say one cannot come (with a reason staff read); the last
    answer counts, each one audited; DomainError."""
    registration = convocation.registration
    _ensure_holder(by, registration)
    if answer not in ConvocationAnswer.Answer.values:
        raise DomainError(_("Choisissez une réponse."))
    reason = (reason or "").strip()
    if answer == ConvocationAnswer.Answer.DECLINED and not reason:
        raise DomainError(_("Dites au centre pourquoi vous ne pourrez pas venir."), field="reason")
    if len(reason) > MAX_TEXT:
        raise DomainError(_("Le motif est trop long (2 000 caractères au plus)."), field="reason")
    if convocation.date < timezone.localdate():
        raise DomainError(_("Cette convocation est passée : contactez votre centre d'examen."))
    latest = (
        Convocation.objects.filter(registration=registration, kind=convocation.kind)
        .order_by("-sent_at", "-id")
        .first()
    )
    if latest is not None and latest.pk != convocation.pk:
        raise DomainError(
            _("Une convocation plus récente vous a été envoyée : répondez à celle-ci.")
        )
    with transaction.atomic():
        row, _created = ConvocationAnswer.objects.update_or_create(
            convocation=convocation,
            defaults={
                "answer": answer,
                "reason": reason if answer == ConvocationAnswer.Answer.DECLINED else "",
                "answered_by": by,
            },
        )
        audit_log(
            action=f"cqpm.portal.convocation.{answer}",
            obj=convocation,
            by=by,
            data={"convocation": convocation.kind, "date": convocation.date, "reason": row.reason},
            **_where(registration),
        )
    return row


# --- Their data ----------------------------------------------------------------------------------


def candidate_data_confirm(*, registration: Registration, by: User) -> DataReview:
    """The candidate says the data held about them is right (their home stops asking)."""
    _ensure_holder(by, registration)
    with transaction.atomic():
        review, _created = DataReview.objects.update_or_create(
            candidate=registration.candidate,
            defaults={"confirmed_at": timezone.now(), "confirmed_by": by},
        )
        audit_log(
            action="cqpm.portal.data.confirmed",
            obj=registration.candidate,
            by=by,
            **_where(registration),
        )
    return review


def correction_request(
    *, registration: Registration, by: User, changes: Mapping[str, object], message: str
) -> CorrectionRequest:
    """Ask the centre to correct some of one's data (the values wanted, and why); one request
    pending at a time; audited; DomainError."""
    _ensure_holder(by, registration)
    candidate = registration.candidate
    wanted = {
        name: value
        for name, value in changes.items()
        if name in CORRECTABLE and value not in (None, "") and value != getattr(candidate, name)
    }
    message = (message or "").strip()
    if not wanted and not message:
        raise DomainError(_("Indiquez ce qui doit être corrigé."))
    if not message:
        raise DomainError(_("Expliquez votre demande en quelques mots."), field="message")
    if len(message) > MAX_TEXT:
        raise DomainError(
            _("Le message est trop long (2 000 caractères au plus)."), field="message"
        )
    serialised = {name: str(value) for name, value in wanted.items()}
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.correction_requests.filter(status=CorrectionRequest.Status.PENDING).exists():
            raise DomainError(
                _("Une demande est déjà en attente : le centre vous répondra avant la suivante.")
            )
        request = CorrectionRequest.objects.create(
            candidate=candidate,
            registration=registration,
            changes=serialised,
            message=message,
            requested_by=by,
        )
        audit_log(
            action="cqpm.portal.correction.requested",
            obj=request,
            by=by,
            data={"fields": sorted(serialised)},
            **_where(registration),
        )
    return request


def correction_decide(
    *, request: CorrectionRequest, by: User, accept: bool, reply: str = ""
) -> CorrectionRequest:
    """Staff accept a request (the correction is made through the privacy service's
    rectification, under the candidates' same-person rules) or refuse it with a reply the
    candidate reads; audited; DomainError."""
    registration = request.registration
    _ensure_staff(by, registration)
    reply = (reply or "").strip()
    if not accept and not reply:
        raise DomainError(_("Dites au candidat pourquoi sa demande est refusée."), field="reply")
    with transaction.atomic():
        if accept:
            candidate = Candidate.objects.get(pk=request.candidate_id)
            values = {name: getattr(candidate, name) for name in CORRECTABLE}
            values.update(request.changes)
            if "birth_date" in request.changes:
                values["birth_date"] = _date(request.changes["birth_date"])
            person_correct(
                candidate=candidate,
                person=PersonData(**values),
                reason=_("Demande du candidat n° %(pk)s : %(message)s")
                % {"pk": request.pk, "message": request.message[:200]},
                by=by,
            )
        status = CorrectionRequest.Status.ACCEPTED if accept else CorrectionRequest.Status.REFUSED
        return transition(
            request,
            to=status,
            by=by,
            action=f"cqpm.portal.correction.{status}",
            allowed=CorrectionRequest.TRANSITIONS,
            changes={"reply": reply, "decided_by": by, "decided_at": timezone.now()},
            **_where(registration),
        )


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("La date de naissance demandée est invalide.")) from None


# --- Personal-data export -------------------------------------------------------------------------


def candidate_export(*, user: User, fmt: str) -> dict[str, Any]:
    """The candidate's own personal-data export (the privacy app's JSON, also as PDF), audited;
    the commission's and company's work left out of undecided registrations."""
    records = list(Candidate.objects.filter(account=user).order_by("pk"))
    if not records:
        raise DomainError(_("Aucune donnée de candidat n'est liée à votre compte."))
    data = personal_data_export(email=user.email, candidates=records, centre_ids=None)
    decided = {
        registration.pk
        for registration in Registration.objects.filter(candidate__in=records)
        if decision_in_force(registration=registration) is not None
    }
    for person in data["people"]:
        undecided = False
        for row in person.get("registrations", []):
            if row.get("id") not in decided:
                undecided = True
                # Documents and the opinion's reminders wait for the decision too.
                for hidden in (
                    "company_opinion",
                    "interview",
                    "results",
                    "decisions",
                    "documents",
                    "emails",
                ):
                    row[hidden] = None
        if undecided:  # their trace in the journal waits for the decision too
            person["audit"] = [
                entry
                for entry in person.get("audit", [])
                if not entry["action"].startswith(HIDDEN_BEFORE_DECISION)
            ]
    for record in records:
        anchor = record.registrations.select_related("campaign").order_by("-pk").first()
        audit_log(
            action="cqpm.privacy.person.exported",
            obj=record,
            by=user,
            data={"format": fmt, "by_holder": True},
            registration_id=anchor.pk if anchor else None,
            centre_id=anchor.campaign.centre_id if anchor else None,
        )
    return data
