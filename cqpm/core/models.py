"""Shared pieces: a timestamped base model and the append-only audit log."""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constraints import choices_constraint
from .errors import DomainError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:  # noqa: ARG002 - append-only
        raise DomainError(_("Le journal d'audit ne peut pas être modifié."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DomainError(_("Le journal d'audit ne peut pas être effacé."))


class AuditEntry(models.Model):
    """One change of state: who, when, what (dotted action code), on what, before and after.

    Append-only: saving an existing entry or deleting one raises. `registration_id` and
    `centre_id` are plain indexed integers (not foreign keys) so that this shared app imports
    no domain app while a registration's history stays a single indexed query.
    """

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100)
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=255, blank=True)
    registration_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    centre_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(_("détails"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        # The same rule in the database (PostgreSQL), for raw SQL and any other client: an UPDATE
        # or DELETE of an entry raises. TRUNCATE (a whole-database reset) is not refused. On
        # SQLite a migration adds the UPDATE trigger (core 0002).
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DomainError(_("Le journal d'audit ne peut pas être modifié."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DomainError(_("Le journal d'audit ne peut pas être effacé."))


class BulkJobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")


class BulkJob(TimeStampedModel):
    """Work on many items at once (approve dossiers, send convocations…), run by a Celery worker.

    Each item goes through the same service as the single action, in its own transaction: one
    refusal does not undo the others. `done` counts the items that went through and `failures`
    lists the refused ones with their French reason; together they say where a rerun resumes.
    The kind names a `BulkAction` of the registry (cqpm.core.registry.register_bulk_action).
    """

    Status = BulkJobStatus

    kind = models.CharField(_("nature"), max_length=64)
    title = models.CharField(_("intitulé"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    context_id = models.BigIntegerField(null=True, blank=True)
    centre_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    item_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(_("total"))
    done = models.PositiveIntegerField(_("faits"), default=0)
    # [{"id": 12, "label": "Dossier de Jeanne Martin", "message": "…"}]: French, per item.
    failures = models.JSONField(_("refus"), default=list, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("traitement groupé")
        verbose_name_plural = _("traitements groupés")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="core_bulkjob_done_le_total"
            ),
            choices_constraint(app="core", model="bulkjob", field="status", choices=BulkJobStatus),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.done}/{self.total})"

    @property
    def processed(self) -> int:
        return self.done + len(self.failures)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.DONE


class OutgoingMail(models.Model):
    """One e-mail to send (its addressees: one person, with a copy to their tutor at most),
    written in the transaction of the change it tells of and sent after the commit
    (cqpm.core.mail). `sent_at` set means sent, once; a failed attempt leaves it pending for
    the periodic flush, up to `MAX_ATTEMPTS`."""

    MAX_ATTEMPTS = 5

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("nature"), max_length=100, blank=True)
    to = models.JSONField(_("destinataires"), default=list)
    cc = models.JSONField(_("copie à"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=998)
    body = models.TextField(_("texte"))
    html = models.TextField(_("HTML"), blank=True)
    # [{"name": "convocation.pdf", "mimetype": "application/pdf", "content": "<base64>"}]
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    claimed_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("e-mail à envoyer")
        verbose_name_plural = _("e-mails à envoyer")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="core_mail_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
