"""What a candidate reaches: their own registrations (through `Candidate.account`), and what
hangs on them, nothing else. Every page and the results read through here, so an outsider's
id is never found (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from candidates.models import Campaign, Registration
from cqpm.core.access import holds_role, scope
from deliberations.models import Decision, JurySession
from documents.kinds import codes_where
from documents.models import Convocation, Document

from .models import CorrectionRequest

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Report

# Documents a candidate takes away (never the jury's minutes).
OWN_KINDS = codes_where(taken_away=True)


def is_candidate(*, user: User) -> bool:
    return holds_role(user, "candidate")


def own_registrations(*, user: User) -> QuerySet[Registration]:
    """The user's own registrations, at every centre (empty for anyone but a candidate)."""
    return scope(user, "registration.own", Registration.objects.all()).select_related(
        "candidate", "campaign__centre", "campaign__referential", "company", "tutor"
    )


def own_registrations_listed(*, user: User) -> QuerySet[Registration]:
    return own_registrations(user=user).order_by("-campaign__jury_date", "-pk")


def own_convocations(*, user: User) -> QuerySet[Convocation]:
    return (
        scope(user, "convocation.answer", Convocation.objects.all())
        .select_related("registration__campaign__centre", "registration__campaign__referential")
        .select_related("candidate_answer")
    )


def latest_convocations(*, registration: Registration) -> list[Convocation]:
    """The convocation the candidate holds, per kind (the last one sent)."""
    latest: dict[str, Convocation] = {}
    rows = (
        Convocation.objects.filter(registration=registration)
        .select_related("candidate_answer")
        .order_by("kind", "-sent_at", "-id")
    )
    for convocation in rows:
        latest.setdefault(convocation.kind, convocation)
    return list(latest.values())


def decision_in_force(*, registration: Registration) -> Decision | None:
    """The decision the candidate may see: in force, of a closed jury session. Before that,
    nothing of the commission's or the jury's work is shown."""
    return (
        Decision.objects.filter(
            registration=registration, is_active=True, session__status=JurySession.Status.CLOSED
        )
        .select_related("session")
        .order_by("-pk")
        .first()
    )


def own_documents(*, user: User) -> QuerySet[Document]:
    """The candidate's certificate or notice, ready and of a decision in force."""
    return (
        scope(user, "document.take_away", Document.objects.all())
        .filter(
            kind__in=OWN_KINDS,
            status=Document.Status.READY,
            decision__is_active=True,
        )
        .select_related("registration__campaign__referential", "registration__campaign__centre")
    )


def own_corrections(*, registration: Registration) -> QuerySet[CorrectionRequest]:
    return registration.correction_requests.select_related("decided_by").order_by("-pk")


def corrections_for_staff(*, user: User) -> QuerySet[CorrectionRequest]:
    """Requests of the registrations of the user's centres (staff)."""
    return scope(user, "correction.decide", CorrectionRequest.objects.all()).select_related(
        "candidate", "registration__campaign", "requested_by", "decided_by"
    )


def registrations_for_invitation(*, user: User, campaign: Campaign) -> QuerySet[Registration]:
    """The registrations of a campaign of the user's centres (what staff may invite)."""
    return (
        scope(user, "registration.manage", Registration.objects.all())
        .filter(campaign=campaign)
        .select_related("candidate", "campaign__centre")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


@dataclass(frozen=True)
class RegistrationView:
    """One registration as its candidate sees it."""

    registration: Registration
    reports: list[Report]
    convocations: list[Convocation]
    decision: Decision | None


def registration_view(*, registration: Registration) -> RegistrationView:
    return RegistrationView(
        registration=registration,
        reports=list(registration.reports.order_by("-version")),
        convocations=latest_convocations(registration=registration),
        decision=decision_in_force(registration=registration),
    )


def upcoming(convocation: Convocation) -> bool:
    return convocation.date >= timezone.localdate()
