"""The candidate's own space: their answers to convocations, their requests to correct their
data, and when they last confirmed it. The account itself is `Candidate.account`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from documents.models import Convocation


class AnswerKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Présence confirmée")
    DECLINED = "declined", _("Empêchement signalé")


class ConvocationAnswer(TimeStampedModel):
    """The candidate's answer to one convocation (a new convocation needs a new answer)."""

    Answer = AnswerKind

    convocation = models.OneToOneField(
        Convocation, on_delete=models.CASCADE, related_name="candidate_answer"
    )
    answer = models.CharField(_("réponse"), max_length=16, choices=AnswerKind.choices)
    reason = models.TextField(_("motif de l'empêchement"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("réponse à une convocation")
        verbose_name_plural = _("réponses aux convocations")
        constraints = [
            choices_constraint(
                app="portal", model="convocationanswer", field="answer", choices=AnswerKind
            ),
            models.CheckConstraint(
                condition=~Q(answer=AnswerKind.DECLINED) | ~Q(reason=""),
                name="portal_convocationanswer_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convocation} — {self.get_answer_display()}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class CorrectionRequest(TimeStampedModel):
    """A candidate asks the centre to correct their data: the values they want and why. Staff
    accept it (the correction is then made by the privacy service, audited) or refuse it."""

    Status = CorrectionStatus
    TRANSITIONS = {
        Status.PENDING: frozenset({Status.ACCEPTED, Status.REFUSED}),
        Status.ACCEPTED: frozenset(),
        Status.REFUSED: frozenset(),
    }

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="correction_requests"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="correction_requests"
    )
    changes = models.JSONField(_("valeurs demandées"), default=dict)
    message = models.TextField(_("message du candidat"))
    status = models.CharField(
        _("statut"), max_length=16, choices=CorrectionStatus.choices, default=Status.PENDING
    )
    reply = models.TextField(_("réponse du centre"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de rectification")
        verbose_name_plural = _("demandes de rectification")
        ordering = ["-created_at", "-pk"]
        constraints = [
            choices_constraint(
                app="portal", model="correctionrequest", field="status", choices=CorrectionStatus
            ),
        ]
        indexes = [
            models.Index(fields=["registration", "status"], name="portal_correction_reg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.get_status_display()}"


class DataReview(TimeStampedModel):
    """When the candidate last said the data the centre holds about them is right."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="review")
    confirmed_at = models.DateTimeField(_("confirmées le"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("vérification des données")
        verbose_name_plural = _("vérifications des données")

    def __str__(self) -> str:
        return f"{self.candidate} — {self.confirmed_at:%d/%m/%Y}"
