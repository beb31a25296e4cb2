"""The events the documents app emits to reactions (declared once: cqpm.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Document

# Emitted inside the transaction that creates a new version of a document (its row, before any
# render): reactions found what goes with it (a certificate's credential) before it is rendered.
DOCUMENT_REQUESTED = "cqpm.documents.document.requested"
# Emitted inside the transaction that records a generated document as ready (stored, hashed).
DOCUMENT_READY = "cqpm.documents.document.generated"
# Emitted inside the transaction that revokes a document.
DOCUMENT_REVOKED = "cqpm.documents.document.revoked"


class DocumentRequested(TypedDict):
    document: Document
    by: User | None


class DocumentReady(TypedDict):
    document: Document


class DocumentRevoked(TypedDict):
    document: Document
    reason: str
    by: User | None


def declare() -> None:
    declare_event(
        DOCUMENT_REQUESTED,
        _("Document demandé"),
        _("{actor} a demandé le document « {kind} »."),
        payload=DocumentRequested,
    )
    declare_event(
        DOCUMENT_READY,
        _("Document prêt"),
        _("Le document {object} a été généré et peut être téléchargé."),
        payload=DocumentReady,
        webhook="document.ready",
    )
    declare_event(
        DOCUMENT_REVOKED,
        _("Document révoqué"),
        _("Le document {object} a été révoqué (motif : {reason})."),
        payload=DocumentRevoked,
        webhook="document.revoked",
    )
