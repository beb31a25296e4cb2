"""Evidence per capacity: dossiers, reports, company opinions, commission sessions, interviews.

DESIGN.md §4, §5.2–5.3. Every object hangs on a candidates.Registration: nothing exists without one.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Campaign, Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from cqpm.core.sessions import DatedSession
from referentials.models import Capacity, Criterion, EvaluationMethod


class EvaluationDossierStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis au centre de ressource")
    RETURNED = "returned", _("Renvoyé pour correction")
    APPROVED = "approved", _("Approuvé")


class EvaluationDossier(TimeStampedModel):
    """The methods chosen for each capacity of one registration, approved by the resource centre."""

    Status = EvaluationDossierStatus

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.APPROVED: set(),
    }

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="dossier"
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(_("commentaire du centre de ressource"), blank=True)

    class Meta:
        verbose_name = _("dossier d'évaluation")
        verbose_name_plural = _("dossiers d'évaluation")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(review_comment=""),
                name="evaluations_dossier_returned_has_comment",
            ),
            choices_constraint(
                app="evaluations",
                model="evaluationdossier",
                field="status",
                choices=EvaluationDossierStatus,
            ),
        ]
        indexes = [
            # The reviewer queue: submitted dossiers, oldest first.
            models.Index(fields=["status", "submitted_at"], name="evaluations_dossier_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"Dossier — {self.registration}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class DossierCapacity(models.Model):
    """Methods chosen for one capacity, among those its referential allows."""

    dossier = models.ForeignKey(
        EvaluationDossier, on_delete=models.CASCADE, related_name="capacities"
    )
    capacity = models.ForeignKey(Capacity, on_delete=models.PROTECT, related_name="+")
    methods = models.JSONField(_("modalités d'évaluation"), default=list)
    justification = models.TextField(
        _("justification de la situation reconstituée"),
        blank=True,
        help_text=_("Obligatoire si la situation professionnelle réelle est impossible."),
    )

    class Meta:
        verbose_name = _("modalités d'une capacité")
        verbose_name_plural = _("modalités des capacités")
        ordering = ["dossier", "capacity__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "capacity"], name="evaluations_dossiercapacity_unique"
            ),
        ]

    def method_labels(self) -> list[str]:
        labels = dict(EvaluationMethod.choices)
        return [str(labels.get(code, code)) for code in self.methods]


def report_upload_to(instance: "Report", filename: str) -> str:
    # A random name: the original name is kept in `original_name`, never used on disk.
    return f"reports/{instance.registration_id}/{secrets.token_urlsafe(24)}.pdf"


class Report(TimeStampedModel):
    """One version of the candidate's written report; replacing it adds a version."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fichier"), upload_to=report_upload_to, max_length=255)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_late = models.BooleanField(_("remis en retard"), default=False)

    class Meta:
        verbose_name = _("rapport du candidat")
        verbose_name_plural = _("rapports des candidats")
        ordering = ["registration", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "version"], name="evaluations_report_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0), name="evaluations_report_size_positive"
            ),
        ]


class Rating(models.TextChoices):
    MASTERED = "mastered", _("Maîtrisée")
    IN_PROGRESS = "in_progress", _("En cours d'acquisition")
    NOT_MASTERED = "not_mastered", _("Non maîtrisée")
    NOT_OBSERVED = "not_observed", _("Non observée")


class CompanyOpinionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmis")


class CompanyOpinion(TimeStampedModel):
    """The tutor's or manager's opinion, capacity by capacity; locked once submitted."""

    Status = CompanyOpinionStatus

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT},  # reopened by staff, with a reason
    }

    class RespondentRole(models.TextChoices):
        TUTOR = "tutor", _("Tuteur")
        HIERARCHICAL = "hierarchical", _("Responsable hiérarchique")
        FUNCTIONAL = "functional", _("Responsable fonctionnel")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="company_opinion"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondant"),
        on_delete=models.PROTECT,
        related_name="company_opinions",
    )
    respondent_role = models.CharField(
        _("qualité du répondant"), max_length=16, choices=RespondentRole.choices
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    overall_comment = models.TextField(_("appréciation générale"), blank=True)
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    # Incremented on every save of the form: a stale form is refused instead of overwriting.
    revision = models.PositiveIntegerField(default=0)
    reopen_reason = models.TextField(_("motif de réouverture"), blank=True)

    class Meta:
        verbose_name = _("avis de l'entreprise")
        verbose_name_plural = _("avis de l'entreprise")
        constraints = [
            choices_constraint(
                app="evaluations",
                model="companyopinion",
                field="status",
                choices=CompanyOpinionStatus,
            )
        ]

    def __str__(self) -> str:
        return f"Avis — {self.registration}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class OpinionCapacity(models.Model):
    opinion = models.ForeignKey(CompanyOpinion, on_delete=models.CASCADE, related_name="capacities")
    capacity = models.ForeignKey(Capacity, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("appréciation"), max_length=16, choices=Rating.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["opinion", "capacity__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "capacity"], name="evaluations_opinioncapacity_unique"
            ),
        ]


class OpinionCriterion(models.Model):
    """Optional finer opinion on one criterion of a capacity."""

    opinion = models.ForeignKey(CompanyOpinion, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("appréciation"), max_length=16, choices=Rating.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "criterion"], name="evaluations_opinioncriterion_unique"
            ),
        ]


class OpinionReminder(models.Model):
    """A reminder e-mail sent for one deadline: never twice for the same deadline and kind."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Échéance proche")
        LATE = "late", _("En retard")

    opinion = models.ForeignKey(CompanyOpinion, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "deadline", "kind"],
                name="evaluations_reminder_once_per_deadline",
            ),
        ]


class CommissionSession(DatedSession):
    """A sitting of the evaluation commission of a campaign: date, place, evaluators, candidates
    (its date, hour, place and cancellation reason: candidates.sessions.DatedSession)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="commission_sessions"
    )
    # Set when the session sits before the campaign's report or opinion deadline: the reason
    # staff gave for judging before all the evidence is due (also in the audit log).
    date_override_reason = models.TextField(_("motif de la date anticipée"), blank=True)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateurs"),
        related_name="commission_sessions",
        blank=True,
    )
    # A cancelled session stays, read-only, with its reason; its candidates were unassigned.
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("commission d'évaluation")
        verbose_name_plural = _("commissions d'évaluation")
        ordering = ["campaign", "date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | ~models.Q(cancellation_reason=""),
                name="evaluations_commissionsession_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Commission du {self.date:%d/%m/%Y} — {self.place}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CommissionAssignment(models.Model):
    """A registration assigned to a commission session (at most one session per registration)."""

    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="assignments"
    )
    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="commission_assignment"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidat d'une commission")
        verbose_name_plural = _("candidats des commissions")


class Interview(TimeStampedModel):
    """The commission's interview with the candidate."""

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="interview"
    )
    date = models.DateField(_("date de l'entretien"))
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("évaluateurs présents"), related_name="+"
    )
    general_notes = models.TextField(_("notes générales"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("entretien")
        verbose_name_plural = _("entretiens")


class InterviewNote(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    capacity = models.ForeignKey(Capacity, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["interview", "capacity__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "capacity"], name="evaluations_interviewnote_unique"
            ),
        ]
