"""What follows the jury: the pack sent to the branch's GTP « Certifications » within three months
(DESIGN.md §5.6), its sendings and reminders, and the notices sent before acquired capacities
lapse (capitalisation).

One pack per closed jury session. Its status says where the obligation stands; `outdated` says
the stored ZIP no longer matches the session (an amendment came after it was built).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from deliberations.models import BlockValidation, CapacityResult, JurySession


class PackStatus(models.TextChoices):
    TO_PREPARE = "to_prepare", _("À préparer")
    READY = "ready", _("Prête")
    SENT = "sent", _("Envoyée")
    TO_RESEND = "to_resend", _("À renvoyer")


class TransmissionPack(TimeStampedModel):
    """The pack of one closed jury session for the GTP « Certifications »."""

    Status = PackStatus

    TRANSITIONS = {
        Status.TO_PREPARE: {Status.READY},
        Status.READY: {Status.SENT, Status.TO_PREPARE},
        Status.SENT: {Status.TO_RESEND},
        Status.TO_RESEND: {Status.SENT},
    }
    # Not sent yet (or to send again): reminders and the overdue list look at these.
    PENDING = (Status.TO_PREPARE, Status.READY, Status.TO_RESEND)

    session = models.OneToOneField(
        JurySession, on_delete=models.PROTECT, related_name="transmission_pack"
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=Status.choices,
        default=Status.TO_PREPARE,
        db_index=True,
    )
    due_on = models.DateField(_("à transmettre avant le"))
    archive = models.FileField(_("archive"), upload_to="transmissions/", blank=True, max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)
    built_at = models.DateTimeField(_("constituée le"), null=True, blank=True)
    # True while the stored archive (if any) does not reflect the session: built on demand.
    outdated = models.BooleanField(_("à reconstituer"), default=True)
    build_error = models.TextField(_("erreur"), blank=True)
    # Bumped by every change that calls for a new archive: a build started before it is dropped.
    generation = models.PositiveIntegerField(default=0)
    # What changed since the last sending (amendments): [{candidate, before, after, reason, on}].
    changes = models.JSONField(_("modifications depuis l'envoi"), default=list, blank=True)

    class Meta:
        verbose_name = _("dossier de transmission au GTP")
        verbose_name_plural = _("dossiers de transmission au GTP")
        ordering = ["due_on", "pk"]
        constraints = [
            choices_constraint(
                app="transmissions", model="transmissionpack", field="status", choices=PackStatus
            )
        ]

    def __str__(self) -> str:
        return f"Transmission au GTP — {self.session}"

    @property
    def is_overdue(self) -> bool:
        return self.status in self.PENDING and self.due_on < timezone.localdate()

    @property
    def can_record_sending(self) -> bool:
        return self.status in (self.Status.READY, self.Status.TO_RESEND) and not self.outdated


class SendingChannel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    PLATFORM = "platform", _("Plateforme de la branche")
    MAIL = "mail", _("Courrier")


class PackSending(TimeStampedModel):
    """One sending of the pack to the GTP, as staff recorded it."""

    Channel = SendingChannel

    pack = models.ForeignKey(TransmissionPack, on_delete=models.PROTECT, related_name="sendings")
    sent_on = models.DateField(_("envoyé le"))
    channel = models.CharField(_("moyen d'envoi"), max_length=16, choices=Channel.choices)
    acknowledgement = models.FileField(
        _("accusé de réception"), upload_to="transmissions/accuses/", blank=True, max_length=255
    )
    acknowledgement_name = models.CharField(max_length=255, blank=True)
    note = models.TextField(_("observations"), blank=True)
    # Which archive was sent, and what had changed since the sending before.
    archive_sha256 = models.CharField(max_length=64)
    archive_version = models.PositiveIntegerField()
    changes = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("envoi au GTP")
        verbose_name_plural = _("envois au GTP")
        ordering = ["pack", "sent_on", "pk"]
        constraints = [
            choices_constraint(
                app="transmissions", model="packsending", field="channel", choices=SendingChannel
            )
        ]

    def __str__(self) -> str:
        return f"Envoi du {self.sent_on:%d/%m/%Y} ({self.get_channel_display()})"


class ReminderKind(models.TextChoices):
    MONTH = "month", _("Un mois avant l'échéance")
    WEEK = "week", _("Une semaine avant l'échéance")


class PackReminder(models.Model):
    """A reminder e-mailed to the centre's staff; the unique row makes it go once."""

    Kind = ReminderKind

    pack = models.ForeignKey(TransmissionPack, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rappel de transmission")
        verbose_name_plural = _("rappels de transmission")
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "kind", "due_on"], name="transmissions_reminder_once"
            ),
            choices_constraint(
                app="transmissions", model="packreminder", field="kind", choices=ReminderKind
            ),
        ]


class ExpiryNotice(models.Model):
    """The e-mail sent before an acquired capacity lapses: once per result."""

    result = models.OneToOneField(
        CapacityResult, on_delete=models.CASCADE, related_name="expiry_notice"
    )
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    to_holder = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("avis d'expiration de capacité")
        verbose_name_plural = _("avis d'expiration de capacités")


class BlockExpiryNotice(models.Model):
    """The e-mail sent before a validated block (RNCP, 5 years) lapses: once per block."""

    validation = models.OneToOneField(
        BlockValidation, on_delete=models.CASCADE, related_name="expiry_notice"
    )
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    to_holder = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("avis d'expiration de bloc de compétences")
        verbose_name_plural = _("avis d'expiration de blocs de compétences")
