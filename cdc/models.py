"""What was deposited with the Caisse des Dépôts, and what it answered (docs/CDC.md).

- `CdcFlux`: one XML file produced for one deposit (unique `idFlux`), stored as it was validated
  against the XSD; staff record when it was deposited on the CDC's platform.
- `CdcEntry`: one holder in one flux, with the fingerprint of what was written for them and, once
  the CDC's processing report is uploaded, its answer (accepted, or rejected with its reason).
- `CdcHolder`: where one registration stands with the CDC now: its last deposited entry and the
  CDC's latest answer, or withdrawn. A certified person without one has not been deposited yet.

What is to be done is not stored but read (cdc.selectors): a certified person never deposited is
to deposit; one whose data changed since (another fingerprint) to deposit again; a deposited one
whose certificate no longer stands (decision amended) to withdraw.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Campaign, Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from deliberations.models import JurySession


class FluxStatus(models.TextChoices):
    GENERATED = "generated", _("Généré, à déposer")
    DEPOSITED = "deposited", _("Déposé")
    PROCESSED = "processed", _("Traité par la CDC")


class CdcFlux(TimeStampedModel):
    """One XML flux, validated against the XSD before it was stored (never offered otherwise)."""

    Status = FluxStatus

    TRANSITIONS = {
        Status.GENERATED: {Status.DEPOSITED},
        Status.DEPOSITED: {Status.PROCESSED},
        Status.PROCESSED: {Status.PROCESSED},  # a later report completes the answers
    }

    id_flux = models.CharField(_("identifiant du flux"), max_length=50, unique=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.GENERATED
    )
    # What it was made for: a campaign (its page), a jury session of it, or a date (command).
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="cdc_fluxes"
    )
    session = models.ForeignKey(
        JurySession, null=True, blank=True, on_delete=models.PROTECT, related_name="cdc_fluxes"
    )
    scope_label = models.CharField(_("périmètre"), max_length=255)
    client_id = models.CharField(_("identifiant client CDC"), max_length=8)
    contract_id = models.CharField(_("identifiant de contrat CDC"), max_length=20)
    file = models.FileField(_("fichier"), upload_to="cdc/flux/", max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    holder_count = models.PositiveIntegerField(_("titulaires"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deposited_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    processed_at = models.DateTimeField(_("compte rendu reçu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("flux de dépôt à la CDC")
        verbose_name_plural = _("flux de dépôt à la CDC")
        ordering = ["-created_at", "-pk"]
        constraints = [
            choices_constraint(app="cdc", model="cdcflux", field="status", choices=FluxStatus)
        ]

    def __str__(self) -> str:
        return f"Flux {self.id_flux}"

    @property
    def filename(self) -> str:
        return f"{self.id_flux}.xml"


class EntryOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepté")
    REJECTED = "rejected", _("Rejeté")


class CdcEntry(models.Model):
    """One holder written in one flux (its idTechnique, the fingerprint of its data)."""

    Outcome = EntryOutcome

    flux = models.ForeignKey(CdcFlux, on_delete=models.PROTECT, related_name="entries")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="cdc_entries"
    )
    id_technique = models.CharField(_("identifiant technique"), max_length=255)
    fingerprint = models.CharField(_("empreinte des données"), max_length=64)
    outcome = models.CharField(
        _("réponse de la CDC"), max_length=16, choices=Outcome.choices, blank=True
    )
    reason = models.TextField(_("motif de la CDC"), blank=True)
    answered_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("titulaire d'un flux")
        verbose_name_plural = _("titulaires d'un flux")
        ordering = ["flux", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["flux", "id_technique"], name="cdc_entry_once_per_flux"
            ),
            choices_constraint(
                app="cdc", model="cdcentry", field="outcome", choices=EntryOutcome, blank=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id_technique} ({self.flux.id_flux})"


class HolderStatus(models.TextChoices):
    DEPOSITED = "deposited", _("Déposé")
    ACCEPTED = "accepted", _("Accepté par la CDC")
    REJECTED = "rejected", _("Rejeté par la CDC")
    WITHDRAWN = "withdrawn", _("Retiré")


class CdcHolder(TimeStampedModel):
    """Where one registration stands with the CDC: its last deposit and the CDC's answer."""

    Status = HolderStatus

    TRANSITIONS = {
        Status.DEPOSITED: {Status.ACCEPTED, Status.REJECTED, Status.DEPOSITED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.DEPOSITED, Status.WITHDRAWN, Status.REJECTED},
        Status.REJECTED: {Status.DEPOSITED, Status.WITHDRAWN, Status.ACCEPTED},
        Status.WITHDRAWN: {Status.DEPOSITED},
    }
    # Deposited and not withdrawn: the CDC holds (or is about to hold) this person's certificate.
    HELD = (Status.DEPOSITED, Status.ACCEPTED, Status.REJECTED)

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="cdc_holder"
    )
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices)
    entry = models.ForeignKey(
        CdcEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("dernier dépôt")
    )
    reason = models.TextField(_("motif du rejet"), blank=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("titulaire déposé à la CDC")
        verbose_name_plural = _("titulaires déposés à la CDC")
        constraints = [
            choices_constraint(app="cdc", model="cdcholder", field="status", choices=HolderStatus)
        ]

    def __str__(self) -> str:
        return f"{self.registration.candidate} — {self.get_status_display()}"
