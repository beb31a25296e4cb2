"""Reactions to other apps' lifecycle hooks: an amended jury decision revokes and renews its
documents, in the amendment's own transaction."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.errors import DomainError
from deliberations.models import Decision

from .kinds import codes_where, kind_for_outcome, kind_of
from .models import Document
from .services import document_request, document_revoke

logger = logging.getLogger(__name__)


def on_decision_amended(*, old: Decision, new: Decision, by: User | None = None) -> None:
    """Lifecycle hook (deliberations.decision_amended), inside the amendment's transaction: revoke
    the registration's live documents and the session's minutes, then queue their renewal (the
    render itself waits for the commit)."""
    reason = _("Décision du jury rectifiée le %(date)s : %(reason)s") % {
        "date": new.created_at.strftime("%d/%m/%Y") if new.created_at else "",
        "reason": new.reason or "",
    }
    with transaction.atomic():
        live = Document.objects.exclude(status=Document.Status.REVOKED)
        revoked = [
            document_revoke(document=document, reason=reason, by=by)
            for document in live.filter(registration_id=new.registration_id)
            | live.filter(
                jury_session_id=new.session_id, kind__in=codes_where(source="jury_session")
            )
        ]
        for document in revoked:
            _renew(document, new=new, by=by)


def _renew(document: Document, *, new: Decision, by: User | None) -> None:
    founded = kind_for_outcome(new.outcome)
    if kind_of(document.kind).for_session:
        request = {"kind": document.kind, "jury_session": document.jury_session}
    elif founded is not None:
        # Absent or excused too: the notice of the capacities acquired.
        request = {"kind": founded.code, "registration": new.registration}
    else:
        return
    try:
        document_request(**request, by=by, batch=document.batch)
    except DomainError as error:
        logger.info("document %s not renewed: %s", document.pk, error)
