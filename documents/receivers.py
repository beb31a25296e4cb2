"""Reactions to other apps' events: an amended jury decision revokes and renews its documents."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError
from deliberations.models import Decision

from .models import Document
from .services import KIND_FOR_OUTCOME, document_request, document_revoke

logger = logging.getLogger(__name__)


def connect() -> None:
    """Connect to deliberations.signals.decision_amended (imported here, when apps are ready)."""
    try:
        from deliberations.signals import decision_amended
    except ImportError:  # pragma: no cover - the deliberations app defines it
        logger.warning("deliberations.signals.decision_amended is missing: documents not renewed")
        return
    decision_amended.connect(
        on_decision_amended, sender=Decision, dispatch_uid="documents.decision_amended"
    )


def on_decision_amended(sender, *, old: Decision, new: Decision, by=None, **kwargs) -> None:
    """Revoke the registration's live documents and the session's minutes, then renew them."""
    reason = _("Décision du jury rectifiée le %(date)s : %(reason)s") % {
        "date": new.created_at.strftime("%d/%m/%Y") if new.created_at else "",
        "reason": new.reason or "",
    }
    with transaction.atomic():
        live = Document.objects.exclude(status=Document.Status.REVOKED)
        revoked = [
            document_revoke(document=document, reason=reason, by=by)
            for document in live.filter(registration_id=new.registration_id)
            | live.filter(jury_session_id=new.session_id, kind=Document.Kind.JURY_MINUTES)
        ]
        for document in revoked:
            _renew(document, new=new, by=by)


def _renew(document: Document, *, new: Decision, by) -> None:
    if document.kind == Document.Kind.JURY_MINUTES:
        request = {"kind": document.kind, "jury_session": document.jury_session}
    elif new.outcome in KIND_FOR_OUTCOME:
        request = {"kind": KIND_FOR_OUTCOME[new.outcome], "registration": new.registration}
    else:
        return  # Absent or excused: nothing to deliver any more.
    try:
        document_request(**request, by=by, batch=document.batch)
    except DomainError as error:
        logger.info("document %s not renewed: %s", document.pk, error)
