"""Issuing a certificate's credential, revoking it, and publishing the status lists.

Rules: a credential only for a live certificate whose decision is the active "admissible" one;
one per certificate (issuing twice returns the same); its status index is random in the current
list and never reused. Revoking flips its bit and re-signs the list in the same transaction as
the change that revokes it (a revoked certificate, an amended decision).
"""

from __future__ import annotations

import base64
import datetime
import gzip
import logging
import secrets
import uuid
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cqpm.core.audit import audit_log
from deliberations.models import Decision
from documents.kinds import kind_of
from documents.models import Document

from .builder import absolute, build_credential, issuer_profile
from .keys import keys_configured
from .models import STATUS_LIST_SIZE, Credential, StatusList
from .signing import sign

logger = logging.getLogger(__name__)
# A list takes new indexes until it is this full: random draws stay cheap (≤ 8 tries on average).
LIST_FILL_LIMIT = 7 / 8
INDEX_ATTEMPTS = 200
# How long a served status list may lag behind a revocation (the HTTP max-age too).
STATUS_CACHE_SECONDS = 60


def status_list_url(number: int) -> str:
    return absolute(reverse("credentials:status_list", kwargs={"number": number}))


def status_list_cache_key(number: int) -> str:
    return f"credentials:status-list:{number}"


# --- Issuing -------------------------------------------------------------------------------


def credential_issue(*, document: Document) -> Credential | None:
    """The credential of a certificate, issued now if it has none; None for another document,
    a revoked one, or a decision no longer admissible and in force. Raises MissingIssuerKey
    when no key can sign."""
    if not kind_of(document.kind).credential:
        return None
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        existing = Credential.objects.filter(document=locked).first()
        if existing is not None:
            return existing
        decision = (
            Decision.objects.select_related(
                "session", "registration__candidate", "registration__campaign__referential"
            )
            .filter(pk=locked.decision_id, is_active=True, outcome=Decision.Outcome.ADMISSIBLE)
            .first()
        )
        if locked.status == Document.Status.REVOKED or decision is None:
            return None
        status_list = _open_list()
        credential_id = uuid.uuid4()
        index = _free_index(status_list)
        payload = build_credential(
            credential_id=f"urn:uuid:{credential_id}",
            document=locked,
            decision=decision,
            list_url=status_list_url(status_list.number),
            index=index,
        )
        token, kid = sign(payload)
        credential = Credential.objects.create(
            uuid=credential_id,
            document=locked,
            decision=decision,
            status_list=status_list,
            status_index=index,
            kid=kid,
            jwt=token,
        )
        audit_log(
            action="cqpm.credentials.credential.issued",
            obj=credential,
            data={"document": locked.pk, "kid": kid},
            registration_id=locked.registration_id,
            centre_id=decision.registration.campaign.centre_id,
        )
    return credential


def on_document_requested(*, document: Document, by: User | None = None) -> None:
    """Reaction to DOCUMENT_REQUESTED, in the transaction that creates the certificate's new
    version for the decision in force: its credential is issued there, before any render (the PDF
    reads it and shows it). Without an issuer key the certificate goes without one, as before."""
    if not kind_of(document.kind).credential:
        return
    if not keys_configured():
        logger.warning("No credential for document %s: no issuer key configured.", document.pk)
        return
    credential_issue(document=document)


def credentials_resign_erased(*, registration_ids: list[int]) -> int:
    """After a person's data is erased (privacy app): their stored credentials are signed again
    from the anonymised record — same id, same status index, so the status list and the holder's
    own copy keep working — and no stored badge names them any more. Returns how many."""
    credentials = list(
        Credential.objects.select_for_update()
        .filter(decision__registration_id__in=registration_ids)
        .select_related(
            "document",
            "status_list",
            "decision__session",
            "decision__registration__candidate",
            "decision__registration__campaign__referential",
        )
    )
    for credential in credentials:
        payload = build_credential(
            credential_id=f"urn:uuid:{credential.uuid}",
            document=credential.document,
            decision=credential.decision,
            list_url=status_list_url(credential.status_list.number),
            index=credential.status_index,
        )
        credential.jwt, credential.kid = sign(payload)
        credential.save(update_fields=["jwt", "kid", "updated_at"])
        audit_log(
            action="cqpm.credentials.credential.resigned",
            obj=credential,
            data={"document": credential.document_id, "kid": credential.kid},
            registration_id=credential.decision.registration_id,
            centre_id=credential.decision.registration.campaign.centre_id,
        )
    return len(credentials)


def _open_list() -> StatusList:
    """The list new credentials go to (locked), a new one once it is full enough."""
    status_list = StatusList.objects.select_for_update().order_by("-number").first()
    if status_list is not None and status_list.credentials.count() < (
        status_list.size * LIST_FILL_LIMIT
    ):
        return status_list
    number = status_list.number + 1 if status_list else 1
    created = StatusList.objects.create(number=number, size=STATUS_LIST_SIZE)
    status_list_publish(status_list=created)
    return created


def _free_index(status_list: StatusList) -> int:
    """A random index no credential of the list ever had (the list is locked by the caller;
    the unique constraint stands behind it)."""
    for _attempt in range(INDEX_ATTEMPTS):
        index = secrets.randbelow(status_list.size)
        if not Credential.objects.filter(status_list=status_list, status_index=index).exists():
            return index
    raise IntegrityError("no free status index found")  # pragma: no cover - list is < 7/8 full


# --- Revoking ------------------------------------------------------------------------------


def credential_revoke(*, credential: Credential, reason: str, by: User | None) -> Credential:
    """Flip the credential's revocation bit and re-sign its list, in the caller's transaction;
    revoking twice changes nothing."""
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        status_list = StatusList.objects.select_for_update().get(pk=locked.status_list_id)
        status_list_publish(status_list=status_list)
        audit_log(
            action="cqpm.credentials.credential.revoked",
            obj=locked,
            by=by,
            data={"reason": locked.revoked_reason, "index": locked.status_index},
            registration_id=locked.document.registration_id,
            centre_id=locked.decision.session.campaign.centre_id,
        )
    return locked


def on_document_revoked(*, document: Document, reason: str, by: User | None = None) -> None:
    """Reaction to DOCUMENT_REVOKED: the certificate's credential goes with it."""
    credential = Credential.objects.filter(document_id=document.pk, revoked_at__isnull=True).first()
    if credential is not None:
        credential_revoke(credential=credential, reason=reason, by=by)


# --- Status lists --------------------------------------------------------------------------


def encode_bits(*, size: int, indexes: list[int]) -> str:
    """Bitstring Status List `encodedList`: multibase base64url (prefix "u", no padding) of the
    GZIP-compressed bitstring, index 0 being the left-most bit of the first byte."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def status_list_credential(*, status_list: StatusList) -> dict[str, Any]:
    url = status_list_url(status_list.number)
    revoked = list(
        status_list.credentials.filter(revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    now = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": now,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(size=status_list.size, indexes=revoked),
        },
    }


def status_list_publish(*, status_list: StatusList) -> StatusList:
    """Re-sign the list (caller holds its lock) and drop the served copy. A reader caching the
    old copy before the commit keeps it at most STATUS_CACHE_SECONDS, as HTTP caches do."""
    status_list.jwt, _kid = sign(status_list_credential(status_list=status_list))
    status_list.revision += 1
    status_list.save(update_fields=["jwt", "revision", "updated_at"])
    cache.delete(status_list_cache_key(status_list.number))
    return status_list


def status_list_served(*, number: int) -> str | None:
    """The signed list as served: from the cache, else the database (signed there if never)."""
    key = status_list_cache_key(number)
    token = cache.get(key)
    if token is not None:
        return str(token)
    status_list = StatusList.objects.filter(number=number).first()
    if status_list is None:
        return None
    if not status_list.jwt:
        with transaction.atomic():
            status_list = status_list_publish(
                status_list=StatusList.objects.select_for_update().get(pk=status_list.pk)
            )
    cache.set(key, status_list.jwt, timeout=STATUS_CACHE_SECONDS)
    return status_list.jwt
