"""The GTP's acknowledgement of receipt, uploaded by staff: a PDF without active content or an
image (re-encoded), checked by content with the shared upload checks (cqpm/core/uploads.py)."""

from __future__ import annotations

from typing import IO

from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError
from cqpm.core.uploads import image_reencode, pdf_refuse_active_content
from cqpm.core.validation import text_problems

ACKNOWLEDGEMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def acknowledgement_check(upload: IO[bytes], *, name: str) -> ContentFile[bytes]:
    """The file to store: the PDF as sent, or the image re-encoded as PNG; DomainError when
    empty, over 10 Mo, neither a PDF nor an image, or a PDF with active content."""
    problems = text_problems(name or "")
    if problems:
        raise DomainError(_("Nom de fichier refusé : %(why)s") % {"why": problems[0]})
    size = _size_of(upload)
    if size == 0:
        raise DomainError(_("Le fichier est vide : choisissez l'accusé de réception à déposer."))
    if size > ACKNOWLEDGEMENT_MAX_BYTES:
        raise DomainError(_("L'accusé de réception dépasse la taille maximale autorisée (10 Mo)."))
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    stem = slugify((name or "").rsplit(".", 1)[0])[:80] or "accuse-de-reception"
    if head == PDF_MAGIC:
        pdf_refuse_active_content(upload)
        return ContentFile(upload.read(), name=f"{stem}.pdf")
    try:
        return image_reencode(upload, name=stem)
    except DomainError:
        raise DomainError(
            _(
                "L'accusé de réception doit être un PDF ou une image (PNG, JPEG, GIF ou WebP) : "
                "ce fichier n'est ni l'un ni l'autre."
            )
        ) from None
