"""Reads of the deposit with the CDC: who is certified in a target (a campaign, a jury session,
or every jury since a date), what each holder's passage says, what is missing, what is to do.

The certified people are the registrations whose active decision, in a closed jury session, is
« admissible »: the same rule the certificate follows (an amendment supersedes the decision).
Pages reach a target through `scope(user, "cdc.export")` (the campaigns of the staff's centres).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from candidates.lifecycle import Activity, campaign_allows
from candidates.models import Campaign, ExamCentre, Registration
from cqpm.core.access import scope
from deliberations.models import Decision, JurySession

from .check import certification_problems, holder_problems
from .models import CdcFlux, CdcHolder
from .xml import HolderRow, fingerprint

if TYPE_CHECKING:
    from accounts.models import User

# Read a target's holders this many at a time (the export streams 10,000 and more).
CHUNK = 1000


@dataclass(frozen=True)
class Target:
    """What a deposit is made for: one campaign, one of its jury sessions, or every closed jury
    since a date (the command)."""

    campaign: Campaign | None = None
    session: JurySession | None = None
    since: datetime.date | None = None

    @property
    def label(self) -> str:
        if self.session is not None:
            return _("Jury du %(date)s — %(campaign)s") % {
                "date": self.session.date.strftime("%d/%m/%Y"),
                "campaign": self.session.campaign.name,
            }
        if self.campaign is not None:
            return _("Campagne %(name)s") % {"name": self.campaign.name}
        if self.since is not None:
            return _("Jurys depuis le %(date)s") % {"date": self.since.strftime("%d/%m/%Y")}
        return _("Tous les jurys")

    @property
    def flux_campaign(self) -> Campaign | None:
        return self.session.campaign if self.session is not None else self.campaign


def certified_decisions(target: Target) -> QuerySet[Decision]:
    """The active « admissible » decisions of the target's closed jury sessions."""
    decisions = Decision.objects.filter(
        is_active=True,
        outcome=Decision.Outcome.ADMISSIBLE,
        session__status=JurySession.Status.CLOSED,
    )
    if target.session is not None:
        return decisions.filter(session=target.session)
    if target.campaign is not None:
        return decisions.filter(registration__campaign=target.campaign)
    if target.since is not None:
        return decisions.filter(session__date__gte=target.since)
    return decisions


def _certified(registration_ref: str = "registration_id") -> Exists:
    return Exists(
        Decision.objects.filter(
            registration_id=OuterRef(registration_ref),
            is_active=True,
            outcome=Decision.Outcome.ADMISSIBLE,
            session__status=JurySession.Status.CLOSED,
        )
    )


def id_technique(registration_id: int) -> str:
    """The passage's stable identifier with the CDC (a re-deposit carries the same one)."""
    return f"cqpm-inscription-{registration_id}"


def deadline(jury_date: datetime.date) -> datetime.date:
    """The legal deadline of a deposit: three months (CDC_DEPOSIT_MONTHS) after the jury."""
    due: datetime.date = jury_date + relativedelta(months=settings.CDC_DEPOSIT_MONTHS)
    return due


def certifier_of(centre: ExamCentre) -> tuple[str, str]:
    """The CDC client and contract ids deposits of this centre go under (else the settings')."""
    client, contract = centre.cdc_certifier_ids()
    return client.strip(), contract.strip()


def holder_row(decision: Decision) -> HolderRow:
    """One certified person's passage, from their decision (registration, candidate and
    referential selected with it)."""
    registration = decision.registration
    person = registration.candidate
    referential = registration.campaign.referential
    return HolderRow(
        id_technique=id_technique(registration.pk),
        rncp_code=(referential.rncp_code or "").strip(),
        jury_date=decision.session.date,
        birth_name=(person.birth_name or person.last_name or "").strip(),
        usage_name=(person.usage_name or "").strip(),
        first_name=(person.first_name or "").strip(),
        second_first_name=(person.second_first_name or "").strip(),
        third_first_name=(person.third_first_name or "").strip(),
        sex=person.sex or "",
        birth_date=person.birth_date,
        birth_place_insee=(person.birth_place_insee or "").strip(),
        birth_postal_code=(person.birth_postal_code or "").strip(),
        birth_place_label=(person.birth_place_label or "").strip(),
        birth_country_code=(person.birth_country_code or "").strip(),
        birth_country_label=(person.birth_country_label or "").strip(),
        access_mode=registration.access_mode or "",
        vae_way=registration.vae_way or "",
        initiative=registration.registration_initiative or "",
        registered_on=registration.registered_on,
        registration_id=registration.pk,
        label=str(person),
    )


class Todo:
    """What is to be done for a holder (read, never stored)."""

    DEPOSIT = "deposit"
    REDEPOSIT = "redeposit"
    FIX = "fix"
    WAIT = "wait"
    DONE = "done"
    WITHDRAW = "withdraw"

    LABELS = {
        DEPOSIT: _l("À déposer"),
        REDEPOSIT: _l("À déposer de nouveau (corrigé depuis le dépôt)"),
        FIX: _l("Rejeté par la CDC : à corriger"),
        WAIT: _l("Déposé, en attente du compte rendu"),
        DONE: _l("Accepté par la CDC"),
        WITHDRAW: _l("À retirer (certificat qui ne tient plus)"),
    }
    # What the next flux of the target carries.
    EXPORTED = frozenset({DEPOSIT, REDEPOSIT})


@dataclass
class HolderLine:
    """One certified person of a target, as the check and the pages show them."""

    row: HolderRow
    jury_date: datetime.date
    holder: CdcHolder | None
    problems: list[str] = field(default_factory=list)
    todo: str = Todo.DEPOSIT

    @property
    def todo_label(self) -> str:
        return str(Todo.LABELS[self.todo])

    @property
    def due_on(self) -> datetime.date:
        return deadline(self.jury_date)

    # Whether the registration may still be edited (its campaign not closed): else the person's
    # data is rectified on the privacy page.
    editable: bool = True
    candidate_id: int = 0

    @property
    def url(self) -> str:
        """Where the missing data is filled in: the registration's identity page."""
        if self.editable:
            return identity_url(self.row.registration_id)
        return reverse("privacy:person_correct", args=[self.candidate_id])

    @property
    def overdue(self) -> bool:
        late = self.due_on < timezone.localdate()
        return late and self.todo in (Todo.DEPOSIT, Todo.FIX)


def identity_url(registration_id: int) -> str:
    return reverse("candidates:registration_update", args=[registration_id]) + "#etat-civil"


def _todo(row: HolderRow, holder: CdcHolder | None) -> str:
    if holder is None or holder.status == CdcHolder.Status.WITHDRAWN:
        return Todo.DEPOSIT
    if fingerprint(row) != holder.entry.fingerprint:
        return Todo.REDEPOSIT
    if holder.status == CdcHolder.Status.REJECTED:
        return Todo.FIX
    return Todo.WAIT if holder.status == CdcHolder.Status.DEPOSITED else Todo.DONE


def holder_lines(target: Target, *, registration_id: int | None = None) -> Iterator[HolderLine]:
    """Every certified person of the target (or that one registration), by RNCP code then
    registration, streamed."""
    decisions = certified_decisions(target)
    if registration_id is not None:
        decisions = decisions.filter(registration_id=registration_id)
    decisions = (
        decisions
        # An erased person's identity is anonymised: it is never deposited (docs/CDC.md).
        .filter(registration__candidate__erasure__isnull=True)
        .select_related(
            "session",
            "registration__candidate",
            "registration__campaign__referential",
            "registration__cdc_holder__entry__flux",
        )
        .order_by("registration__campaign__referential__rncp_code", "registration_id")
    )
    for decision in decisions.iterator(chunk_size=CHUNK):
        row = holder_row(decision)
        holder = getattr(decision.registration, "cdc_holder", None)
        yield HolderLine(
            row=row,
            jury_date=decision.session.date,
            holder=holder,
            problems=holder_problems(row),
            todo=_todo(row, holder),
            editable=campaign_allows(
                campaign=decision.registration.campaign, activity=Activity.REGISTRATION_EDIT
            ),
            candidate_id=decision.registration.candidate_id,
        )


@dataclass
class Certification:
    """A referential at a centre in the target: its RNCP code and certifier, and what blocks."""

    campaign: Campaign
    client_id: str
    contract_id: str
    problems: list[str]


def certifications(target: Target) -> list[Certification]:
    """The target's campaigns with certified people, each with what forbids any deposit."""
    campaigns = (
        Campaign.objects.filter(
            pk__in=certified_decisions(target).values("registration__campaign_id")
        )
        .select_related("centre", "referential")
        .annotate(first_jury=Min("jury_sessions__date"))
        .order_by("pk")
    )
    out = []
    for campaign in campaigns:
        client, contract = certifier_of(campaign.centre)
        referential = campaign.referential
        problems = certification_problems(
            registered=referential.rncp_registered,
            rncp_code=(referential.rncp_code or "").strip(),
            rncp_end=referential.rncp_registration_end,
            jury_date=campaign.first_jury,
            client_id=client,
            contract_id=contract,
        )
        out.append(Certification(campaign, client, contract, problems))
    return out


@dataclass
class CheckReport:
    """The check before a deposit: who would be refused and why, what blocks everyone."""

    target: Target
    blocking: list[tuple[Campaign, str]]
    refused: list[HolderLine]
    exportable: int
    certified: int

    @property
    def ok(self) -> bool:
        return not self.blocking and not self.refused


def check_report(target: Target) -> CheckReport:
    """The certified people of the target whose deposit would be refused, with what is missing
    (only those the next flux would carry: deposited, unchanged holders are not asked again)."""
    blocking = [(c.campaign, p) for c in certifications(target) for p in c.problems]
    refused, exportable, certified = [], 0, 0
    for line in holder_lines(target):
        certified += 1
        if line.todo not in Todo.EXPORTED:
            continue
        if line.problems:
            refused.append(line)
        else:
            exportable += 1
    return CheckReport(target, blocking, refused, exportable, certified)


def withdrawals(target: Target) -> QuerySet[CdcHolder]:
    """Holders the CDC holds whose certificate no longer stands: to withdraw there."""
    held = CdcHolder.objects.filter(status__in=CdcHolder.HELD).filter(~_certified())
    if target.session is not None:
        held = held.filter(registration__jury_seats__session=target.session)
    elif target.campaign is not None:
        held = held.filter(registration__campaign=target.campaign)
    elif target.since is not None:
        held = held.filter(entry__flux__created_at__date__gte=target.since)
    return held.select_related("registration__candidate", "entry__flux").distinct()


# --- Staff pages ---------------------------------------------------------------------------------


def campaigns_for(*, user: User) -> QuerySet[Campaign]:
    """The campaigns whose deposits the user makes, with their certified people's count."""
    return (
        scope(user, "cdc.export", Campaign.objects.filter(referential__rncp_registered=True))
        .annotate(
            certified=Count(
                "registrations",
                filter=Q(
                    registrations__decisions__is_active=True,
                    registrations__decisions__outcome=Decision.Outcome.ADMISSIBLE,
                    registrations__decisions__session__status=JurySession.Status.CLOSED,
                ),
                distinct=True,
            ),
            deposited=Count(
                "registrations__cdc_holder",
                filter=Q(registrations__cdc_holder__status__in=CdcHolder.HELD),
                distinct=True,
            ),
        )
        .filter(certified__gt=0)
        .select_related("centre", "referential")
        .order_by("-jury_date", "pk")
    )


def fluxes_for(*, user: User) -> QuerySet[CdcFlux]:
    """The fluxes whose every holder is in the user's campaigns (a flux of other centres' holders
    stays with whoever made it)."""
    campaigns = scope(user, "cdc.export", Campaign.objects.all()).values("pk")
    foreign = Registration.objects.filter(cdc_entries__flux=OuterRef("pk")).exclude(
        campaign_id__in=campaigns
    )
    return CdcFlux.objects.exclude(Exists(foreign)).select_related(
        "campaign", "session", "created_by", "deposited_by"
    )


def session_choices(campaign: Campaign) -> QuerySet[JurySession]:
    return campaign.jury_sessions.filter(status=JurySession.Status.CLOSED).order_by("date", "pk")


class PendingDeadline(TypedDict):
    """One closed jury session's certified people still to deposit (`n`)."""

    session_id: int
    session__date: datetime.date
    session__campaign_id: int
    session__campaign__name: str
    n: int


def pending_deadlines_for(*, user: User) -> list[PendingDeadline]:
    """Per closed jury session of the user's campaigns: certified people not yet deposited (or
    rejected by the CDC), with the session's date (their legal deadline follows). One query."""
    not_done = Q(registration__cdc_holder__isnull=True) | Q(
        registration__cdc_holder__status__in=(
            CdcHolder.Status.REJECTED,
            CdcHolder.Status.WITHDRAWN,
        )
    )
    rows = (
        Decision.objects.filter(
            not_done,
            is_active=True,
            outcome=Decision.Outcome.ADMISSIBLE,
            session__status=JurySession.Status.CLOSED,
            session__campaign__in=scope(user, "cdc.export", Campaign.objects.all()).values("pk"),
            session__campaign__referential__rncp_registered=True,
        )
        .order_by()
        .values("session_id", "session__date", "session__campaign_id", "session__campaign__name")
        .annotate(n=Count("pk"))
        .order_by("session__date", "session_id")
    )
    return [
        PendingDeadline(
            session_id=row["session_id"],
            session__date=row["session__date"],
            session__campaign_id=row["session__campaign_id"],
            session__campaign__name=row["session__campaign__name"],
            n=row["n"],
        )
        for row in rows
    ]


def is_certified(registration_id: int) -> bool:
    """Whether the registration's active decision, in a closed session, is « admissible »."""
    return certified_decisions(Target()).filter(registration_id=registration_id).exists()
