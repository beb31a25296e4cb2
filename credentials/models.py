"""Open Badges 3.0 credentials issued with certificates, and the status lists that revoke them.

A credential's status index is drawn at random in a list (privacy: neighbours in the list say
nothing about each other) and never reused: credentials are never deleted, and (list, index) is
unique in the database.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqpm.core.models import TimeStampedModel
from deliberations.models import Decision
from documents.models import Document

# W3C Bitstring Status List: at least 16 KB (131,072 bits) per list, for group privacy.
STATUS_LIST_SIZE = 131_072


class StatusList(TimeStampedModel):
    """One revocation list, published as a signed credential at a stable URL (by number)."""

    number = models.PositiveIntegerField(_("numéro"), unique=True)
    size = models.PositiveIntegerField(_("taille (bits)"), default=STATUS_LIST_SIZE)
    # The signed status-list credential, rebuilt in the transaction of every change.
    jwt = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("liste de statut")
        verbose_name_plural = _("listes de statut")
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gte=STATUS_LIST_SIZE), name="credentials_statuslist_min_size"
            ),
        ]

    def __str__(self) -> str:
        return f"Liste de statut {self.number}"


class Credential(TimeStampedModel):
    """The OpenBadgeCredential of one certificate, as the VC-JWT that was issued."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="credential")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="credentials")
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField(_("index de statut"))
    kid = models.CharField(_("clé de signature"), max_length=255)
    jwt = models.TextField(_("badge signé (VC-JWT)"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_reason = models.TextField(_("motif de révocation"), blank=True)

    class Meta:
        verbose_name = _("badge numérique")
        verbose_name_plural = _("badges numériques")
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"],
                name="credentials_credential_status_index_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Badge {self.uuid}"

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
