"""CQPM referentials: versions, blocks, capacities, conditions, criteria and allowed methods.

A published version is immutable: services refuse to change it and the children's `save()`
refuses as a last line of defence; a change makes a new draft version.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqpm.core.constraints import choices_constraint
from cqpm.core.errors import DomainError
from cqpm.core.models import TimeStampedModel

from .validators import validate_rncp_block_code, validate_rncp_code


class EvaluationMethod(models.TextChoices):
    PROFESSIONAL_PROJECT = (
        "professional_project",
        _("Présentation de projets ou activités réalisés en milieu professionnel"),
    )
    COMPANY_OPINION = "company_opinion", _("Avis de l'entreprise")
    INTERVIEW = "interview", _("Entretien avec le candidat")
    WORK_OBSERVATION = "work_observation", _("Observation en situation professionnelle réelle")
    RECONSTITUTED_SITUATION = "reconstituted_situation", _("Situation professionnelle reconstituée")


class CriterionKind(models.TextChoices):
    RESULTS = "results", _("En termes de résultats")
    METHODS = "methods", _("En termes de méthodes et justification des moyens employés")
    PROCEDURES = "procedures", _("En termes de respect des procédures et instructions")


class ReferentialStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


class Referential(TimeStampedModel):
    Status = ReferentialStatus

    code = models.CharField(_("code"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("intitulé"), max_length=255)
    category = models.CharField(_("catégorie"), max_length=8, blank=True)
    level = models.CharField(_("niveau"), max_length=8, blank=True)
    issuer = models.CharField(_("émetteur"), max_length=255, blank=True)
    last_modified = models.DateField(_("dernière modification"))
    objective = models.TextField(_("objectif professionnel"))
    missions = models.JSONField(_("exemples de missions"), default=list, blank=True)
    # A CQPM registered in the RNCP: its validated blocks stay valid 5 years (DESIGN.md §5.6).
    # Registration, code and end are administrative facts that change over a published
    # version's life (a renewal), so they are not content: services.referential_rncp_update
    # sets them; a certificate is refused once the registration has ended (before the jury).
    rncp_registered = models.BooleanField(_("inscrit au RNCP"), default=False)
    rncp_code = models.CharField(
        _("code RNCP"), max_length=32, blank=True, validators=[validate_rncp_code]
    )
    rncp_registration_end = models.DateField(
        _("fin d'enregistrement au RNCP"), null=True, blank=True
    )
    notes = models.TextField(
        _("notes de transcription"),
        blank=True,
        help_text=_("Lacunes ou corrections de la source, signalées sans rien inventer."),
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("référentiel")
        verbose_name_plural = _("référentiels")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="referentials_referential_code_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(category="") | ~Q(level=""),
                name="referentials_referential_category_or_level",
            ),
            # A new version is prepared as one draft at a time, and one version of a code is
            # current: publishing a version archives the one it replaces.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="draft"),
                name="referentials_referential_one_draft_per_code",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="published"),
                name="referentials_referential_one_published_per_code",
            ),
            choices_constraint(
                app="referentials", model="referential", field="status", choices=ReferentialStatus
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title} (v{self.version})"

    # What a published version may never change; status and publication date still move.
    CONTENT_FIELDS = (
        "code",
        "version",
        "title",
        "category",
        "level",
        "issuer",
        "last_modified",
        "objective",
        "missions",
        "notes",
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._guard_content()
        super().save(*args, **kwargs)

    def _guard_content(self) -> None:
        stored = (
            Referential.objects.filter(pk=self.pk).values("status", *self.CONTENT_FIELDS).first()
        )
        if stored is None or stored.pop("status") == self.Status.DRAFT:
            return
        if any(getattr(self, name) != value for name, value in stored.items()):
            raise DomainError(_("Un référentiel publié ne peut pas être modifié."))

    def rncp_ended_before(self, day: datetime.date) -> bool:
        """Whether the RNCP registration ended before `day` (a jury's date)."""
        end = self.rncp_registration_end
        return bool(self.rncp_registered and end is not None and end < day)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class FrozenGuardMixin:
    """Children of a published or archived referential refuse to change."""

    def _referential_id_for_guard(self) -> int:
        raise NotImplementedError

    def _guard(self) -> None:
        status = (
            Referential.objects.filter(pk=self._referential_id_for_guard())
            .values_list("status", flat=True)
            .first()
        )
        if status and status != Referential.Status.DRAFT:
            raise DomainError(_("Un référentiel publié ne peut pas être modifié."))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)


class Block(FrozenGuardMixin, models.Model):
    referential = models.ForeignKey(Referential, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(_("ordre"))
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("intitulé"), max_length=255)
    rncp_code = models.CharField(
        _("code RNCP du bloc"), max_length=32, blank=True, validators=[validate_rncp_block_code]
    )

    class Meta:
        verbose_name = _("bloc de compétences")
        verbose_name_plural = _("blocs de compétences")
        ordering = ["referential", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "code"], name="referentials_block_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def _referential_id_for_guard(self) -> int:
        return self.referential_id


class Capacity(FrozenGuardMixin, models.Model):
    referential = models.ForeignKey(
        Referential, on_delete=models.CASCADE, related_name="capacities"
    )
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.SET_NULL, related_name="capacities"
    )
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=500)
    methods = models.JSONField(
        _("modalités d'évaluation autorisées"),
        default=list,
        help_text=_("Codes de EvaluationMethod, dans l'ordre du référentiel."),
    )

    class Meta:
        verbose_name = _("capacité professionnelle")
        verbose_name_plural = _("capacités professionnelles")
        ordering = ["referential", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "number"], name="referentials_capacity_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def _referential_id_for_guard(self) -> int:
        return self.referential_id

    def clean(self) -> None:
        super().clean()
        known = set(EvaluationMethod.values)
        methods = self.methods if isinstance(self.methods, list) else None
        if not methods or any(code not in known for code in methods):
            raise ValidationError(
                {
                    "methods": _("Indiquez une liste de modalités parmi : %(codes)s.")
                    % {"codes": ", ".join(EvaluationMethod.values)}
                }
            )
        if len(set(methods)) != len(methods):
            raise ValidationError({"methods": _("Une modalité est indiquée deux fois.")})

    def method_labels(self) -> list[str]:
        labels = dict(EvaluationMethod.choices)
        return [str(labels.get(code, code)) for code in self.methods]


class Condition(FrozenGuardMixin, models.Model):
    capacity = models.ForeignKey(Capacity, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveIntegerField(_("ordre"))
    text = models.TextField(_("condition de réalisation"))

    class Meta:
        verbose_name = _("condition de réalisation")
        verbose_name_plural = _("conditions de réalisation")
        ordering = ["capacity", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["capacity", "position"], name="referentials_condition_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def _referential_id_for_guard(self) -> int:
        return self.capacity.referential_id


class Criterion(FrozenGuardMixin, models.Model):
    capacity = models.ForeignKey(Capacity, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("type"), max_length=16, choices=CriterionKind.choices)
    position = models.PositiveIntegerField(_("ordre"))
    text = models.TextField(_("critère"))

    class Meta:
        verbose_name = _("critère observable et/ou mesurable")
        verbose_name_plural = _("critères observables et/ou mesurables")
        ordering = ["capacity", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["capacity", "kind", "position"],
                name="referentials_criterion_position_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def _referential_id_for_guard(self) -> int:
        return self.capacity.referential_id
