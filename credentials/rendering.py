"""What credentials add to documents (cqpm.core.registry, document extras): on a certificate's PDF
the link of the credential issued with it (no second QR code: the document's leads to the
verification page), with the credential itself attached as `.jwt`; on its public verification
page, the links to download it."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.urls import reverse

from cqpm.core.registry import DocumentExtra
from documents.kinds import kind_of
from documents.models import Document

from .builder import absolute
from .models import Credential
from .selectors import credential_for_code
from .signing import MEDIA_TYPE

logger = logging.getLogger(__name__)
ATTACHMENT_NAME = "badge-cqpm.jwt"


def download_url(document: Document, extension: str = "jwt") -> str:
    name = "credential_jwt" if extension == "jwt" else "credential_json"
    return absolute(reverse(f"credentials:{name}", kwargs={"code": document.verification_code}))


def pdf_extra(document: Document) -> DocumentExtra | None:
    """At render time (worker): place on the PDF the credential issued with the certificate
    (services.on_document_requested); rendering reads it, never issues it."""
    if not kind_of(document.kind).credential:
        return None
    credential = Credential.objects.filter(document_id=document.pk).first()
    if credential is None:
        logger.warning("Document %s is rendered without a credential (none issued).", document.pk)
        return None
    url = download_url(document)
    html = render_to_string("credentials/pdf/_credential.html", {"url": url})
    return DocumentExtra(
        html=html,
        attachments=(
            (
                ATTACHMENT_NAME,
                credential.jwt.encode("ascii"),
                MEDIA_TYPE,
                "Badge numérique Open Badges 3.0 (VC-JWT) de ce CQPM",
            ),
        ),
    )


def page_extra(document: Document) -> str:
    """On the public verification page: the credential's downloads, if it has one."""
    credential = credential_for_code(code=document.verification_code)
    if credential is None:
        return ""
    return render_to_string(
        "credentials/_verify_links.html",
        {
            "credential": credential,
            "jwt_url": reverse("credentials:credential_jwt", args=[document.verification_code]),
            "json_url": reverse("credentials:credential_json", args=[document.verification_code]),
            "verify_url": reverse("credentials:verify"),
        },
    )
