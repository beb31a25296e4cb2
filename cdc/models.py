"""What was deposited with the Caisse des Dépôts, and what it answered (docs/CDC.md).

- `CdcFlux`: one XML file produced for one deposit (unique `idFlux`), stored as it was validated
  against the XSD; staff record when it was deposited on the CDC's platform.
- `CdcEntry`: one passage (one idTechnique) in one flux: a certified person, or a person who
  validated a block of competences (`block`); the fingerprint of what was written for them and,
  once the CDC's processing report is uploaded, its answer (accepted, or rejected with its reason).
- `CdcItem`: where one deposited item (one idTechnique: a registration's certification, or one of
  its validated blocks) stands with the CDC now: its last deposited entry and the CDC's latest
  answer, or withdrawn. An item without one has not been deposited yet. (It was `CdcHolder`, one
  per registration; migration 0002 renamed it and gave its rows their idTechnique.)

What is to be done is not stored but read (cdc.selectors): an item never deposited is to
deposit; one whose data changed since (another fingerprint) to deposit again; a deposited one
that no longer stands (decision amended, block no longer validated) to withdraw.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Campaign, Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from deliberations.models import JurySession
from referentials.models import Block


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
    # Emptied when an erasure left the flux without any passage (docs/CDC.md, « Effacement »).
    file = models.FileField(_("fichier"), upload_to="cdc/flux/", max_length=255, blank=True)
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
    # An erasure removed a person's passages from the stored file (sha256 and size are the
    # rewritten file's; the entries, their idTechnique and the CDC's answers stay).
    redacted_at = models.DateTimeField(_("expurgé le"), null=True, blank=True)

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
    """One passage written in one flux (its idTechnique, the fingerprint of its data)."""

    Outcome = EntryOutcome

    flux = models.ForeignKey(CdcFlux, on_delete=models.PROTECT, related_name="entries")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="cdc_entries"
    )
    # The validated block deposited (its RNCP code is the certification's); None: the CQPM.
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    id_technique = models.CharField(_("identifiant technique"), max_length=255)
    # Emptied by an erasure (the person is never deposited again; nothing to compare).
    fingerprint = models.CharField(_("empreinte des données"), max_length=64, blank=True)
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


class ItemStatus(models.TextChoices):
    DEPOSITED = "deposited", _("Déposé")
    ACCEPTED = "accepted", _("Accepté par la CDC")
    REJECTED = "rejected", _("Rejeté par la CDC")
    WITHDRAWN = "withdrawn", _("Retiré")


class CdcItem(TimeStampedModel):
    """Where one deposited item stands with the CDC: a registration's certification (`block`
    None) or one of its validated blocks, under its idTechnique; its last deposit, the answer."""

    Status = ItemStatus

    TRANSITIONS = {
        Status.DEPOSITED: {Status.ACCEPTED, Status.REJECTED, Status.DEPOSITED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.DEPOSITED, Status.WITHDRAWN, Status.REJECTED},
        Status.REJECTED: {Status.DEPOSITED, Status.WITHDRAWN, Status.ACCEPTED},
        Status.WITHDRAWN: {Status.DEPOSITED},
    }
    # Deposited and not withdrawn: the CDC holds (or is about to hold) this item.
    HELD = (Status.DEPOSITED, Status.ACCEPTED, Status.REJECTED)

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="cdc_items"
    )
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    id_technique = models.CharField(_("identifiant technique"), max_length=255, unique=True)
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
        verbose_name = _("élément déposé à la CDC")
        verbose_name_plural = _("éléments déposés à la CDC")
        constraints = [
            choices_constraint(app="cdc", model="cdcitem", field="status", choices=ItemStatus),
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(block__isnull=True),
                name="cdc_item_one_certification_per_registration",
            ),
            models.UniqueConstraint(
                fields=["registration", "block"], name="cdc_item_one_per_block"
            ),
        ]

    def __str__(self) -> str:
        what = self.block.code if self.block_id and self.block else _("CQPM")
        return f"{self.registration.candidate} — {what} — {self.get_status_display()}"
