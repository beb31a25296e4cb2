"""Shared pieces: a timestamped base model and the append-only audit log."""

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - append-only
        raise DomainError(_("Le journal d'audit ne peut pas être modifié."))

    def delete(self):
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

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DomainError(_("Le journal d'audit ne peut pas être modifié."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(_("Le journal d'audit ne peut pas être effacé."))
