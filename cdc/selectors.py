"""Reads of the deposit with the CDC: who is certified in a target (a campaign, a jury session,
or every jury since a date), who validated blocks of competences there, what each passage says,
what is missing, what is to do.

The certified people are the registrations whose active decision, in a closed jury session, is
« admissible »: the same rule the certificate follows (an amendment supersedes the decision).
The block holders are the registrations whose active decision there is not « admissible » and
which validated blocks (deliberations' BlockValidation, written at the closing): one passage
per block, under the block's RNCP code (`RNCP…BCxx`) and its own idTechnique.
Pages reach a target through `scope(user, "cdc.export")` (the campaigns of the staff's centres).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from candidates.lifecycle import Activity, campaign_allows
from candidates.models import Campaign, ExamCentre, Registration
from cqpm.core.access import scope
from deliberations.models import BlockValidation, Decision, JurySession

from .check import block_problems, certification_problems, holder_problems
from .models import CdcFlux, CdcItem
from .xml import HolderRow, fingerprint

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)

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


# An active decision in a closed session that does not certify: its validated blocks are held.
NOT_CERTIFYING = [o for o in Decision.Outcome.values if o != Decision.Outcome.ADMISSIBLE]


def block_validations(target: Target) -> QuerySet[BlockValidation]:
    """The blocks validated by the target's people whose active decision, in a closed jury
    session, is not « admissible », for a CQPM registered in the RNCP. A block carried over
    whole from an earlier registration is deposited under that one (its idTechnique), not again."""
    decided = {
        "sheet__registration__decisions__is_active": True,
        "sheet__registration__decisions__outcome__in": NOT_CERTIFYING,
        "sheet__registration__decisions__session__status": JurySession.Status.CLOSED,
    }
    if target.session is not None:
        decided["sheet__registration__decisions__session"] = target.session
    elif target.campaign is not None:
        decided["sheet__registration__campaign"] = target.campaign
    elif target.since is not None:
        decided["sheet__registration__decisions__session__date__gte"] = target.since
    return BlockValidation.objects.filter(
        carried_over=False,
        sheet__registration__campaign__referential__rncp_registered=True,
        **decided,
    )


def _certified(registration_ref: str = "registration_id") -> Exists:
    return Exists(
        Decision.objects.filter(
            registration_id=OuterRef(registration_ref),
            is_active=True,
            outcome=Decision.Outcome.ADMISSIBLE,
            session__status=JurySession.Status.CLOSED,
        )
    )


def _block_held(registration_ref: str = "registration_id", block_ref: str = "block_id") -> Exists:
    """The registration still holds that validated block (its decision does not certify)."""
    return Exists(
        BlockValidation.objects.filter(
            sheet__registration_id=OuterRef(registration_ref),
            block_id=OuterRef(block_ref),
            carried_over=False,
            sheet__registration__decisions__is_active=True,
            sheet__registration__decisions__outcome__in=NOT_CERTIFYING,
            sheet__registration__decisions__session__status=JurySession.Status.CLOSED,
        )
    )


def id_technique(registration_id: int, block_id: int | None = None) -> str:
    """The passage's stable identifier with the CDC (a re-deposit carries the same one): the
    registration's certification, or one of its validated blocks."""
    if block_id is not None:
        return f"cqpm-inscription-{registration_id}-bloc-{block_id}"
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
    return _row(
        registration,
        id_technique=id_technique(registration.pk),
        rncp_code=(registration.campaign.referential.rncp_code or "").strip(),
        jury_date=decision.session.date,
    )


def block_row(validation: BlockValidation) -> HolderRow:
    """One validated block's passage: the block's RNCP code, the jury date, the block's end."""
    registration = validation.sheet.registration
    block = validation.block
    return _row(
        registration,
        id_technique=id_technique(registration.pk, block.pk),
        rncp_code=(block.rncp_code or "").strip(),
        jury_date=validation.jury_date,
        valid_until=validation.valid_until,
        block_id=block.pk,
        block_label=str(block),
    )


def _row(registration: Registration, **passage: Any) -> HolderRow:
    person = registration.candidate
    return HolderRow(
        **passage,
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
    item: CdcItem | None
    problems: list[str] = field(default_factory=list)
    todo: str = Todo.DEPOSIT
    # What is missing is the referential's (a block's RNCP code), not the person's.
    rncp_missing: bool = False
    referential_id: int = 0

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
    def rncp_url(self) -> str:
        """Where the referential's RNCP facts are filled in."""
        return reverse("referentials:rncp", args=[self.referential_id])

    @property
    def is_block(self) -> bool:
        return self.row.block_id is not None

    @property
    def overdue(self) -> bool:
        late = self.due_on < timezone.localdate()
        return late and self.todo in (Todo.DEPOSIT, Todo.FIX)


def identity_url(registration_id: int) -> str:
    return reverse("candidates:registration_update", args=[registration_id]) + "#etat-civil"


def _todo(row: HolderRow, item: CdcItem | None) -> str:
    if item is None or item.status == CdcItem.Status.WITHDRAWN:
        return Todo.DEPOSIT
    if fingerprint(row) != item.entry.fingerprint:
        return Todo.REDEPOSIT
    if item.status == CdcItem.Status.REJECTED:
        return Todo.FIX
    return Todo.WAIT if item.status == CdcItem.Status.DEPOSITED else Todo.DONE


def _items(id_techniques: list[str]) -> dict[str, CdcItem]:
    """The tracked items of these idTechniques, with their last entry and its flux."""
    items = CdcItem.objects.filter(id_technique__in=id_techniques).select_related("entry__flux")
    return {item.id_technique: item for item in items}


def _line(
    registration: Registration,
    row: HolderRow,
    jury_date: datetime.date,
    item: CdcItem | None,
    extra: list[str],
) -> HolderLine:
    return HolderLine(
        row=row,
        jury_date=jury_date,
        item=item,
        problems=extra + holder_problems(row),
        todo=_todo(row, item),
        rncp_missing=bool(extra),
        referential_id=registration.campaign.referential_id,
        editable=campaign_allows(
            campaign=registration.campaign, activity=Activity.REGISTRATION_EDIT
        ),
        candidate_id=registration.candidate_id,
    )


def _chunks(queryset: QuerySet[M]) -> Iterator[list[M]]:
    chunk: list[M] = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def holder_lines(target: Target, *, registration_id: int | None = None) -> Iterator[HolderLine]:
    """Every passage of the target (or of that one registration), streamed: the certified
    people by RNCP code then registration, then the validated blocks by the block's RNCP code
    (a code is never both, so each code's passages follow one another)."""
    yield from _certified_lines(target, registration_id)
    yield from _block_lines(target, registration_id)


def _certified_lines(target: Target, registration_id: int | None) -> Iterator[HolderLine]:
    decisions = certified_decisions(target)
    if registration_id is not None:
        decisions = decisions.filter(registration_id=registration_id)
    decisions = (
        decisions
        # An erased person's identity is anonymised: it is never deposited (docs/CDC.md).
        .filter(registration__candidate__erasure__isnull=True)
        .select_related("session", "registration__candidate", "registration__campaign__referential")
        .order_by("registration__campaign__referential__rncp_code", "registration_id")
    )
    for chunk in _chunks(decisions):
        rows = [holder_row(decision) for decision in chunk]
        items = _items([row.id_technique for row in rows])
        for decision, row in zip(chunk, rows, strict=True):
            item = items.get(row.id_technique)
            yield _line(decision.registration, row, decision.session.date, item, [])


def _block_lines(target: Target, registration_id: int | None) -> Iterator[HolderLine]:
    validations = block_validations(target)
    if registration_id is not None:
        validations = validations.filter(sheet__registration_id=registration_id)
    validations = (
        validations.filter(sheet__registration__candidate__erasure__isnull=True)
        .select_related(
            "block", "sheet__registration__candidate", "sheet__registration__campaign__referential"
        )
        .order_by("block__rncp_code", "sheet__registration_id", "block__position")
    )
    for chunk in _chunks(validations):
        rows = [block_row(validation) for validation in chunk]
        items = _items([row.id_technique for row in rows])
        for validation, row in zip(chunk, rows, strict=True):
            item = items.get(row.id_technique)
            extra = block_problems(validation.block)
            registration = validation.sheet.registration
            yield _line(registration, row, validation.jury_date, item, extra)


@dataclass
class Certification:
    """A referential at a centre in the target: its RNCP code and certifier, and what blocks."""

    campaign: Campaign
    client_id: str
    contract_id: str
    problems: list[str]


def certifications(target: Target) -> list[Certification]:
    """The target's campaigns with certified people (or validated blocks), each with what
    forbids any deposit."""
    holding = Q(pk__in=certified_decisions(target).values("registration__campaign_id")) | Q(
        pk__in=block_validations(target).values("sheet__registration__campaign_id")
    )
    campaigns = (
        Campaign.objects.filter(holding)
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


@dataclass(frozen=True)
class Blocking:
    """What forbids any deposit of a campaign, and where it is put right (the referential's
    RNCP page when the RNCP facts are at fault)."""

    campaign: Campaign
    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


def blocking_of(found: list[Certification]) -> list[Blocking]:
    out = []
    for certification in found:
        referential_id = certification.campaign.referential_id
        for problem in certification.problems:
            rncp = "RNCP" in problem
            url = reverse("referentials:rncp", args=[referential_id]) if rncp else ""
            out.append(Blocking(certification.campaign, problem, url))
    return out


@dataclass
class CheckReport:
    """The check before a deposit: who would be refused and why, what blocks everyone."""

    target: Target
    blocking: list[Blocking]
    refused: list[HolderLine]
    exportable: int
    certified: int
    block_holders: int = 0

    @property
    def ok(self) -> bool:
        return not self.blocking and not self.refused


def check_report(target: Target) -> CheckReport:
    """The passages of the target whose deposit would be refused, with what is missing (only
    those the next flux would carry: deposited, unchanged ones are not asked again)."""
    blocking = blocking_of(certifications(target))
    refused, exportable, certified, blocks = [], 0, 0, 0
    for line in holder_lines(target):
        if line.is_block:
            blocks += 1
        else:
            certified += 1
        if line.todo not in Todo.EXPORTED:
            continue
        if line.problems:
            refused.append(line)
        else:
            exportable += 1
    return CheckReport(target, blocking, refused, exportable, certified, blocks)


def _standing() -> Q:
    """An item that still stands: the certification of a certified person, or a block its
    holder still holds."""
    return (Q(block__isnull=True) & _certified()) | (Q(block__isnull=False) & _block_held())


def withdrawals(target: Target) -> QuerySet[CdcItem]:
    """Items the CDC holds that no longer stand (decision amended, block no longer validated):
    to withdraw there."""
    held = CdcItem.objects.filter(status__in=CdcItem.HELD).exclude(_standing())
    if target.session is not None:
        held = held.filter(registration__jury_seats__session=target.session)
    elif target.campaign is not None:
        held = held.filter(registration__campaign=target.campaign)
    elif target.since is not None:
        held = held.filter(entry__flux__created_at__date__gte=target.since)
    return held.select_related("registration__candidate", "entry__flux", "block").distinct()


def item_stands(item: CdcItem) -> bool:
    return CdcItem.objects.filter(pk=item.pk).filter(_standing()).exists()


# --- Staff pages ---------------------------------------------------------------------------------


def campaigns_for(*, user: User) -> QuerySet[Campaign]:
    """The campaigns whose deposits the user makes, with their certified people's count and
    their deposited certifications' (blocks are counted on the campaign's page)."""
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
            with_blocks=Count(
                "registrations",
                filter=Q(
                    registrations__result_sheet__block_validations__carried_over=False,
                    registrations__decisions__is_active=True,
                    registrations__decisions__outcome__in=NOT_CERTIFYING,
                    registrations__decisions__session__status=JurySession.Status.CLOSED,
                ),
                distinct=True,
            ),
            deposited=Count(
                "registrations__cdc_items",
                filter=Q(
                    registrations__cdc_items__status__in=CdcItem.HELD,
                    registrations__cdc_items__block__isnull=True,
                ),
                distinct=True,
            ),
        )
        .filter(Q(certified__gt=0) | Q(with_blocks__gt=0))
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
    """One closed jury session's people still to deposit (`n`: certified, or holding blocks)."""

    session_id: int
    session__date: datetime.date
    session__campaign_id: int
    session__campaign__name: str
    n: int


def _certification_done() -> Exists:
    """A deposit of the registration's certification that is neither rejected nor withdrawn."""
    return Exists(
        CdcItem.objects.filter(
            registration_id=OuterRef("registration_id"),
            block__isnull=True,
            status__in=(CdcItem.Status.DEPOSITED, CdcItem.Status.ACCEPTED),
        )
    )


def pending_deadlines_for(*, user: User) -> list[PendingDeadline]:
    """Per closed jury session of the user's campaigns: people whose certification or one of
    whose validated blocks is not yet deposited (or was rejected by the CDC), with the session's
    date (their legal deadline follows). One query (a UNION of the two counts)."""
    decisions = Decision.objects.filter(
        is_active=True,
        session__status=JurySession.Status.CLOSED,
        session__campaign__in=scope(user, "cdc.export", Campaign.objects.all()).values("pk"),
        session__campaign__referential__rncp_registered=True,
    )
    pending_block = BlockValidation.objects.filter(
        sheet__registration_id=OuterRef("registration_id"), carried_over=False
    ).exclude(
        Exists(
            CdcItem.objects.filter(
                registration_id=OuterRef(OuterRef("registration_id")),
                block_id=OuterRef("block_id"),
                status__in=(CdcItem.Status.DEPOSITED, CdcItem.Status.ACCEPTED),
            )
        )
    )
    fields = ("session_id", "session__date", "session__campaign_id", "session__campaign__name")
    certified = decisions.filter(outcome=Decision.Outcome.ADMISSIBLE).exclude(_certification_done())
    with_blocks = decisions.filter(outcome__in=NOT_CERTIFYING).filter(Exists(pending_block))
    counted: dict[int, PendingDeadline] = {}
    for row in (
        certified.order_by()
        .values(*fields)
        .annotate(n=Count("pk"))
        .union(with_blocks.order_by().values(*fields).annotate(n=Count("pk")), all=True)
    ):
        known = counted.get(row["session_id"])
        if known is not None:
            known["n"] += row["n"]
            continue
        counted[row["session_id"]] = PendingDeadline(
            session_id=row["session_id"],
            session__date=row["session__date"],
            session__campaign_id=row["session__campaign_id"],
            session__campaign__name=row["session__campaign__name"],
            n=row["n"],
        )
    return sorted(counted.values(), key=lambda r: (r["session__date"], r["session_id"]))


def is_certified(registration_id: int) -> bool:
    """Whether the registration's active decision, in a closed session, is « admissible »."""
    return certified_decisions(Target()).filter(registration_id=registration_id).exists()
