"""Commission results capacity by capacity, and the paritaire jury (DESIGN.md §5.4–5.6).

Decisions are never overwritten: an amendment creates a new Decision that supersedes the previous
one, which stays, inactive, with its reason.
"""

import datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Campaign, CentreMembership, Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.errors import DomainError
from cqpm.core.models import TimeStampedModel
from cqpm.core.sessions import DatedSession
from referentials.models import Block, Capacity, EvaluationMethod


class ResultSheetStatus(models.TextChoices):
    DRAFT = "draft", _("En cours")
    VALIDATED = "validated", _("Validés par la commission")


class ResultSheet(TimeStampedModel):
    """The commission's results for one registration; read-only once validated."""

    Status = ResultSheetStatus

    TRANSITIONS = {Status.DRAFT: {Status.VALIDATED}, Status.VALIDATED: set()}

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="result_sheet"
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Incremented by every write to the sheet or its results: a form read at version N saves
    # only while the sheet is still at N, so a second person never overwrites the first silently.
    version = models.PositiveIntegerField(_("version"), default=0)
    validated_at = models.DateTimeField(_("validés le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("résultats de la commission")
        verbose_name_plural = _("résultats des commissions")
        constraints = [
            choices_constraint(
                app="deliberations", model="resultsheet", field="status", choices=ResultSheetStatus
            )
        ]

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED


class CapacityResultOutcome(models.TextChoices):
    ACQUIRED = "acquired", _("Acquise")
    NOT_ACQUIRED = "not_acquired", _("Non acquise")


class CapacityResult(TimeStampedModel):
    """Acquise or non acquise for one capacity of one registration.

    `source` says whether the commission decided it or it was carried over from an earlier
    registration of the same person and referential, still valid until `valid_until`.
    """

    Outcome = CapacityResultOutcome

    class Source(models.TextChoices):
        COMMISSION = "commission", _("Commission d'évaluation")
        CARRIED_OVER = "carried_over", _("Acquise lors d'une session antérieure")

    sheet = models.ForeignKey(ResultSheet, on_delete=models.CASCADE, related_name="results")
    capacity = models.ForeignKey(Capacity, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("résultat"), max_length=16, choices=Outcome.choices)
    justification = models.TextField(_("justification"), blank=True)
    methods = models.JSONField(_("modalités sur lesquelles il repose"), default=list, blank=True)
    source = models.CharField(
        _("origine"), max_length=16, choices=Source.choices, default=Source.COMMISSION
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    disagrees_with_opinion = models.BooleanField(
        _("désaccord avec l'avis de l'entreprise"), default=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("résultat d'une capacité")
        verbose_name_plural = _("résultats des capacités")
        ordering = ["sheet", "capacity__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "capacity"], name="deliberations_capacityresult_unique"
            ),
            models.CheckConstraint(
                condition=Q(outcome="acquired") | ~Q(justification=""),
                name="deliberations_capacityresult_justified_when_not_acquired",
            ),
            choices_constraint(
                app="deliberations",
                model="capacityresult",
                field="outcome",
                choices=CapacityResultOutcome,
            ),
        ]

    def is_lapsed_on(self, day: datetime.date) -> bool:
        """Acquired with an end date already past on `day`: it no longer counts nor carries over."""
        return self.valid_until is not None and self.valid_until < day

    @property
    def is_lapsed(self) -> bool:
        return self.is_lapsed_on(timezone.localdate())

    def method_labels(self) -> list[str]:
        labels = dict(EvaluationMethod.choices)
        return [str(labels.get(code, code)) for code in self.methods]


class BlockValidation(models.Model):
    """A block of competences validated by a registration the jury did not find admissible:
    every capacity of the block acquired, for a CQPM registered in the RNCP. It stays valid 5
    years from the jury date (DESIGN.md §5.6), longer than its capacities' 24 months, and its
    capacities carry over until then. Written at the jury's closing and by an amendment.

    `carried_over`: every capacity of the block came from an earlier registration, so the
    block keeps the end it had there (carried-over results are never extended).
    """

    sheet = models.ForeignKey(
        ResultSheet, on_delete=models.CASCADE, related_name="block_validations"
    )
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="+")
    jury_date = models.DateField(_("date du jury"))
    valid_until = models.DateField(_("valable jusqu'au"))
    carried_over = models.BooleanField(_("reporté"), default=False)

    class Meta:
        verbose_name = _("bloc de compétences validé")
        verbose_name_plural = _("blocs de compétences validés")
        ordering = ["sheet", "block__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "block"], name="deliberations_blockvalidation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} — {self.valid_until:%d/%m/%Y}"

    def is_lapsed_on(self, day: datetime.date) -> bool:
        return self.valid_until < day

    @property
    def is_lapsed(self) -> bool:
        return self.is_lapsed_on(timezone.localdate())


class JurySessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planifiée")
    DELIBERATING = "deliberating", _("En délibération")
    CLOSED = "closed", _("Clôturée")
    CANCELLED = "cancelled", _("Annulée")


class JurySession(DatedSession):
    """A sitting of the paritaire jury of a campaign (its date, hour, place and cancellation
    reason: candidates.sessions.DatedSession)."""

    Status = JurySessionStatus

    TRANSITIONS = {
        Status.PLANNED: {Status.DELIBERATING, Status.CANCELLED},
        Status.DELIBERATING: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="jury_sessions")
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("jury de délibération")
        verbose_name_plural = _("jurys de délibération")
        ordering = ["campaign", "date"]
        constraints = [
            choices_constraint(
                app="deliberations", model="jurysession", field="status", choices=JurySessionStatus
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancellation_reason=""),
                name="deliberations_jurysession_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Jury du {self.date:%d/%m/%Y} — {self.place}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class JuryMember(models.Model):
    """A member of one jury session, in one college; exactly one president per session.

    `present` and `signed_at` are the attendance sheet (émargement).
    """

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_seats"
    )
    college = models.CharField(
        _("collège"), max_length=16, choices=CentreMembership.College.choices
    )
    is_president = models.BooleanField(_("président"), default=False)
    present = models.BooleanField(_("présent"), default=False)
    signed_at = models.DateTimeField(_("émargé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        ordering = ["session", "-is_president", "college"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="deliberations_member_once"),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(is_president=True),
                name="deliberations_member_one_president",
            ),
        ]


class JuryCandidate(models.Model):
    """A registration brought before a jury session.

    A registration absent or excused at one session may be brought before a later one: its
    seats form one chain (`previous_seat`), held by the database: one seat per session, one
    first seat per registration, and a seat followed by at most one later seat. The service
    adds what a constraint cannot see: the previous session is closed and the registration's
    current decision is « absent » or « excusé ».
    """

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="candidates")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="jury_seats"
    )
    previous_seat = models.OneToOneField(
        "self",
        verbose_name=_("présentation précédente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_seat",
    )

    class Meta:
        verbose_name = _("candidat présenté au jury")
        verbose_name_plural = _("candidats présentés au jury")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"],
                name="deliberations_jurycandidate_one_seat_per_session",
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(previous_seat__isnull=True),
                name="deliberations_jurycandidate_one_first_seat",
            ),
            models.CheckConstraint(
                condition=~Q(previous_seat=models.F("pk")),
                name="deliberations_jurycandidate_not_its_own_previous",
            ),
        ]


class DecisionOutcome(models.TextChoices):
    ADMISSIBLE = "admissible", _("Admissible")
    NOT_ADMISSIBLE = "not_admissible", _("Non admissible")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excusé")


# What a decision says, never changed once written (an amendment is a new decision).
DECISION_FROZEN_FIELDS = (
    "session",
    "registration",
    "outcome",
    "proposed",
    "reason",
    "jury_reason",
    "supersedes",
    "recorded_by",
    "created_at",
)


class DecisionQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(is_active=False).exists():
            raise DomainError(_("Une décision rectifiée ne peut pas être effacée."))
        return super().delete()


class Decision(TimeStampedModel):
    """The jury's decision on one registration. Never overwritten: an amendment supersedes it.

    The database holds the rule too (triggers; PostgreSQL through django-pgtrigger, SQLite through
    deliberations 0005): what a decision says never changes, an active decision may only be set
    inactive (once: never back), and a superseded decision is never deleted (PostgreSQL; on SQLite
    the ORM refuses it, the test database being emptied with DELETE there).
    """

    Outcome = DecisionOutcome

    # After one of these, the candidate may be brought before a later jury session.
    DEFERRED = frozenset({Outcome.ABSENT, Outcome.EXCUSED})

    session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="decisions")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("décision"), max_length=16, choices=Outcome.choices)
    is_active = models.BooleanField(_("en vigueur"), default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(_("motif de la rectification"), blank=True)
    # What the capacities implied when the decision was taken (admissible if and only if every
    # capacity is acquired), and the jury's written reason when it decided otherwise.
    proposed = models.CharField(
        _("décision proposée"),
        max_length=16,
        choices=[
            (Outcome.ADMISSIBLE, Outcome.ADMISSIBLE.label),
            (Outcome.NOT_ADMISSIBLE, Outcome.NOT_ADMISSIBLE.label),
        ],
    )
    jury_reason = models.TextField(_("motif de la décision du jury"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision du jury")
        verbose_name_plural = _("décisions du jury")
        ordering = ["registration", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(is_active=True),
                name="deliberations_decision_one_active_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(reason=""),
                name="deliberations_decision_amendment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["absent", "excused"])
                | Q(outcome=models.F("proposed"))
                | ~Q(jury_reason=""),
                name="deliberations_decision_departure_has_reason",
            ),
            choices_constraint(
                app="deliberations", model="decision", field="outcome", choices=DecisionOutcome
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="decision_content_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*DECISION_FROZEN_FIELDS),
            ),
            pgtrigger.Protect(
                name="decision_never_reactivated",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__is_active=False, new__is_active=True),
            ),
            pgtrigger.Protect(
                name="decision_superseded_kept",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__is_active=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.registration}"

    def delete(self, *args, **kwargs):
        if not self.is_active:
            raise DomainError(_("Une décision rectifiée ne peut pas être effacée."))
        return super().delete(*args, **kwargs)

    @property
    def departs_from_proposal(self) -> bool:
        """Admissible or not admissible against what the capacities imply (reason required)."""
        decided = (self.Outcome.ADMISSIBLE, self.Outcome.NOT_ADMISSIBLE)
        return self.outcome in decided and self.outcome != self.proposed


class JuryRecusal(models.Model):
    """A jury member kept out of one candidate's decision: they work for the candidate's company
    (a conflict of interests, as an evaluator's). Written when deliberation opens (or when the
    candidate is brought before a jury already deliberating), audited, shown on the minutes."""

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="recusals")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="jury_recusals"
    )
    company_name = models.CharField(_("entreprise"), max_length=200)
    created_at = models.DateTimeField(_("écarté le"), default=timezone.now)

    class Meta:
        verbose_name = _("membre du jury écarté d'une décision")
        verbose_name_plural = _("membres du jury écartés d'une décision")
        ordering = ["session", "registration", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "registration"], name="deliberations_recusal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.user} — {self.registration}"
