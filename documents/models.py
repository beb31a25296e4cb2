"""Generated PDFs: certificates, notices of acquired capacities, jury minutes (DESIGN.md §6).

One row per document and version. Generating twice gives the same document: at most one live
(not revoked) document per kind and source, held by conditional unique constraints.
"""

import datetime
import secrets

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from candidates.models import Registration
from cqpm.core.constraints import choices_constraint
from cqpm.core.errors import DomainError
from cqpm.core.models import TimeStampedModel
from deliberations.models import Decision, JurySession


def new_verification_code() -> str:
    # 128 random bits in hex: unguessable, and short enough for a URL in a QR code.
    return secrets.token_hex(16)


class DocumentBatch(TimeStampedModel):
    """All documents of a jury session requested at once; progress is read from its documents."""

    jury_session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="batches")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    archive = models.FileField(upload_to="documents/batches/", blank=True, max_length=255)
    # Fingerprint of the documents the archive holds (ids and hashes): rebuilt only when it changes.
    archive_key = models.CharField(max_length=64, blank=True)
    archived_at = models.DateTimeField(_("archive créée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot de documents")
        verbose_name_plural = _("lots de documents")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("En cours")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")
    REVOKED = "revoked", _("Révoqué")


class DocumentKindChoice(models.TextChoices):
    """Document.Kind: what each kind is, is declared in documents/kinds.py."""

    CERTIFICATE = "certificate", _("Attestation de réussite")
    CAPACITY_NOTICE = "capacity_notice", _("Notification des capacités acquises")
    JURY_MINUTES = "jury_minutes", _("Procès-verbal du jury")


# The kinds rendered for a whole jury session rather than for one registration. The one place
# that says it: documents/kinds.py's DocumentKind.source reads it, and the constraint below that
# holds a document's source to its kind is built from it (a new session-level kind is one entry
# here; makemigrations then writes the constraint's change). It cannot be read from the kinds'
# declarations themselves: they name their codes through this module's Document.Kind, and a
# model's constraints are built when its class is, before documents/kinds.py can be imported.
SESSION_KINDS: tuple[str, ...] = (DocumentKindChoice.JURY_MINUTES.value,)


def _kind_among(kinds: tuple[str, ...]) -> dict[str, object]:
    # One kind compares with = (as the initial migration wrote it: no migration for this), more
    # with IN.
    return {"kind": kinds[0]} if len(kinds) == 1 else {"kind__in": list(kinds)}


class Document(TimeStampedModel):
    Kind = DocumentKindChoice
    Status = DocumentStatus

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.REVOKED},
        # A running job goes back to the queue only when stale (its worker died).
        Status.RUNNING: {Status.READY, Status.FAILED, Status.QUEUED, Status.REVOKED},
        # Ready minutes go back to the queue once, to be sealed with the jury's signatures.
        Status.READY: {Status.REVOKED, Status.QUEUED},
        Status.FAILED: {Status.QUEUED, Status.RUNNING, Status.REVOKED},
        Status.REVOKED: set(),
    }

    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    jury_session = models.ForeignKey(
        JurySession, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    # The jury decision a certificate or notice attests (the session's minutes have none).
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    batch = models.ForeignKey(
        DocumentBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    verification_code = models.CharField(
        _("code de vérification"), max_length=64, unique=True, default=new_verification_code
    )
    file = models.FileField(_("fichier"), upload_to="documents/", blank=True, max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    # When the render was last handed to the broker; None while the broker could not take it
    # (the periodic requeue sends those first). A queued document older than the threshold is
    # sent again: the broker lost it.
    queued_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_reason = models.TextField(_("motif de révocation"), blank=True)
    # The minutes: when the last signature of the jury came in (then sealed with them).
    signed_at = models.DateTimeField(_("signé par le jury le"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        **_kind_among(SESSION_KINDS),
                        jury_session__isnull=False,
                        registration__isnull=True,
                    )
                    | (~Q(**_kind_among(SESSION_KINDS)) & Q(registration__isnull=False))
                ),
                name="documents_document_source_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "registration"],
                condition=~Q(status="revoked") & Q(registration__isnull=False),
                name="documents_document_one_live_per_registration",
            ),
            models.UniqueConstraint(
                fields=["kind", "jury_session"],
                condition=~Q(status="revoked") & Q(registration__isnull=True),
                name="documents_document_one_live_per_session",
            ),
            models.UniqueConstraint(
                fields=["kind", "registration", "jury_session", "version"],
                name="documents_document_version_unique",
            ),
            choices_constraint(
                app="documents", model="document", field="status", choices=DocumentStatus
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    FINISHED = frozenset({Status.READY, Status.FAILED, Status.REVOKED})

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_stale(self) -> bool:
        """Running for longer than the hard time limit: its worker died (see services)."""
        if self.status != self.Status.RUNNING:
            return False
        limit = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        return self.started_at is None or self.started_at < limit

    @property
    def is_stuck(self) -> bool:
        """Queued but not handed to the broker, or lost by it: the person may send it again."""
        if self.status != self.Status.QUEUED:
            return False
        limit = timezone.now() - datetime.timedelta(seconds=settings.DOCUMENTS_REQUEUE_AFTER)
        return self.queued_at is None or self.queued_at < limit

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stale or self.is_stuck

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def download_name(self) -> str:
        """File name offered on download: kind, holder or session date, version."""
        if self.registration_id:
            who = self.registration.candidate
            subject = f"{who.last_name}-{who.first_name}"
        else:
            subject = f"{self.jury_session.date:%Y-%m-%d}"
        return slugify(f"{self.get_kind_display()}-{subject}-v{self.version}") + ".pdf"


class ConvocationKind(models.TextChoices):
    INTERVIEW = "interview", _("Convocation à l'entretien")
    JURY = "jury", _("Convocation au jury")


class Convocation(models.Model):
    """One convocation sent to a candidate: to the commission's interview or to the jury, with
    the date, time and place it announced. A new row at every sending (a date changed, staff
    sent it again): the last one per registration and kind is what the candidate holds."""

    Kind = ConvocationKind

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="convocations"
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    session_id = models.BigIntegerField(_("séance"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255)
    recipients = models.JSONField(_("destinataires"), default=list)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    # A candidate without an e-mail address: the PDF kept for staff to print and hand over.
    printable = models.FileField(
        _("convocation à imprimer"), upload_to="convocations/", blank=True, max_length=255
    )
    sent_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["registration", "kind", "-sent_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "session_id"], name="documents_convocation_sess_idx")
        ]
        constraints = [
            choices_constraint(
                app="documents", model="convocation", field="kind", choices=ConvocationKind
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.date:%d/%m/%Y}"

    @property
    def is_printable(self) -> bool:
        """Kept to print (no e-mail address to send it to)."""
        return bool(self.printable)

    @property
    def download_name(self) -> str:
        return f"convocation-{self.kind}-{self.date:%Y-%m-%d}.pdf"


class DocumentFile(models.Model):
    """One sealed file issued for a document: its SHA-256, recorded at every signed version (a
    re-sealing with a timestamp, the minutes once signed), so /verifier/ recognises each."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("émis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fichier émis")
        verbose_name_plural = _("fichiers émis")
        ordering = ["document", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sha256"], name="documents_documentfile_once_per_hash"
            )
        ]

    def __str__(self) -> str:
        return self.sha256


class SignatureRole(models.TextChoices):
    ATTENDANCE = "attendance", _("Feuille d'émargement")
    MINUTES = "minutes", _("Procès-verbal")


class Signature(models.Model):
    """A jury member's signature of the minutes' attendance sheet, or the president's of the
    minutes: the statement they confirmed, the hash of the file they read, when and from where,
    after a fresh two-factor confirmation. Append-only (a trigger on PostgreSQL, save() here)."""

    Role = SignatureRole

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(
        "deliberations.JuryMember", on_delete=models.PROTECT, related_name="signatures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("objet"), max_length=16, choices=SignatureRole.choices)
    statement = models.TextField(_("déclaration"))
    document_sha256 = models.CharField(_("empreinte du document signé"), max_length=64)
    signed_at = models.DateTimeField(_("signé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("double authentification confirmée le"))
    client_ip = models.GenericIPAddressField(_("adresse"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["document", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "member", "role"], name="documents_signature_once"
            ),
            choices_constraint(
                app="documents", model="signature", field="role", choices=SignatureRole
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="signature_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.user} — {self.signed_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DomainError(_("Une signature ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(_("Une signature ne s'efface pas."))
