"""What the GDPR work keeps: erasures, the redacted reading of older audit entries, and the
retention reports written before anything is purged (docs/PRIVACY.md)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, ExamCentre
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import AuditEntry
from evaluations.models import Report


class ErasureSource(models.TextChoices):
    REQUEST = "request", _("Demande de la personne")
    RETENTION = "retention", _("Durée de conservation échue")


class Erasure(models.Model):
    """A person whose personal data was erased. Holds no personal value: `code` is the
    deterministic suffix of their placeholder name (« Personne effacée 7F3A9C »)."""

    Source = ErasureSource

    candidate = models.OneToOneField(
        Candidate, on_delete=models.PROTECT, related_name="erasure", verbose_name=_("personne")
    )
    code = models.CharField(_("code"), max_length=16)
    source = models.CharField(_("origine"), max_length=16, choices=ErasureSource.choices)
    erased_at = models.DateTimeField(_("effacée le"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    files_deleted = models.PositiveIntegerField(_("fichiers supprimés"), default=0)

    class Meta:
        verbose_name = _("effacement")
        verbose_name_plural = _("effacements")
        constraints = [
            choices_constraint(
                app="privacy", model="erasure", field="source", choices=ErasureSource
            ),
        ]

    def __str__(self) -> str:
        return f"Personne effacée {self.code}"


class AuditRedaction(models.Model):
    """How an audit entry written before an erasure is read from then on: the same entry with the
    erased person's values replaced by their placeholder. The entry itself is never changed
    (append-only, guarded by database triggers); every reader goes through
    cqpm.core.audit.audit_redacted, which applies this."""

    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="+")
    erasure = models.ForeignKey(Erasure, on_delete=models.PROTECT, related_name="redactions")
    object_repr = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("lecture caviardée d'une entrée du journal")
        verbose_name_plural = _("lectures caviardées du journal")


class RetentionReport(models.Model):
    """What the retention rules would purge, written once a day before anything goes; its items
    are purged once the report is CQPM_RETENTION_NOTICE_DAYS old (and still due then)."""

    day = models.DateField(_("jour"), unique=True)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapport de conservation")
        verbose_name_plural = _("rapports de conservation")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Rapport de conservation du {self.day:%d/%m/%Y}"


class RetentionItemKind(models.TextChoices):
    PERSON = "person", _("Personne à anonymiser")
    EVIDENCE = "evidence", _("Rapport du candidat à supprimer")


class RetentionItem(models.Model):
    """One thing a report lists, for one centre (the staff who may read it)."""

    Kind = RetentionItemKind

    report = models.ForeignKey(RetentionReport, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("type"), max_length=16, choices=RetentionItemKind.choices)
    centre = models.ForeignKey(
        ExamCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_activity = models.DateField(_("dernière activité"))
    purged_at = models.DateTimeField(_("purgé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("élément d'un rapport de conservation")
        verbose_name_plural = _("éléments des rapports de conservation")
        ordering = ["kind", "last_activity", "pk"]
        constraints = [
            choices_constraint(
                app="privacy", model="retentionitem", field="kind", choices=RetentionItemKind
            ),
            models.CheckConstraint(
                condition=models.Q(kind="person", evidence__isnull=True)
                | models.Q(kind="evidence", evidence__isnull=False),
                name="privacy_retentionitem_evidence_matches_kind",
            ),
        ]
