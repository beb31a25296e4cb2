"""Checks on uploaded files, by their content: PDFs without active content, images re-encoded.

- `pdf_refuse_active_content` opens the PDF with pikepdf (qpdf) and refuses JavaScript, launch
  actions and embedded files wherever they hide (document names, open action, additional
  actions, annotations, file specifications), as well as encrypted or unreadable files.
- `image_reencode` decodes an image with Pillow within a pixel budget (no decompression bomb) and
  writes it again as PNG: what is stored is pixels only, never the uploaded bytes (no polyglot,
  no metadata, no trailing payload).
Each refusal is a French DomainError.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .errors import DomainError

if TYPE_CHECKING:
    import pikepdf
    import PIL.Image

# Keys and action types that run or carry something inside a PDF.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
MAX_PDF_OBJECTS = 500_000
MAX_IMAGE_PIXELS = 25_000_000  # 5000 x 5000: a logo needs far less
MAX_IMAGE_SIDE = 2000


def pdf_refuse_active_content(upload: IO[bytes]) -> None:
    """Refuse a PDF carrying JavaScript, launch actions or embedded files; DomainError."""
    import pikepdf

    upload.seek(0)
    try:
        with pikepdf.open(upload) as pdf:  # type: ignore[arg-type]  # a binary file object
            found = _active_content(pdf)
    except pikepdf.PasswordError as exc:
        raise DomainError(
            _("Le PDF est protégé par un mot de passe : déposez-le sans protection.")
        ) from exc
    except pikepdf.PdfError as exc:
        raise DomainError(_("Le PDF est illisible : enregistrez-le de nouveau en PDF.")) from exc
    finally:
        upload.seek(0)
    if found:
        raise DomainError(
            _(
                "Le PDF contient %(what)s : il est refusé. Enregistrez-le de nouveau avec "
                "« Imprimer en PDF » (sans pièces jointes ni scripts) puis déposez-le."
            )
            % {"what": found}
        )


def _active_content(pdf: pikepdf.Pdf) -> str:
    import pikepdf

    if len(pdf.attachments):
        return _("des fichiers joints")
    seen = 0
    for obj in pdf.objects:  # every indirect object, and the direct ones nested in it
        stack = [obj]
        while stack:
            current = stack.pop()
            seen += 1
            if seen > MAX_PDF_OBJECTS:
                return _("un nombre d'objets anormal")
            if isinstance(current, pikepdf.Array):
                stack += [item for item in current if _nested(item)]
                continue
            if not isinstance(current, pikepdf.Dictionary | pikepdf.Stream):
                continue
            found = _active_in(current)
            if found:
                return found
            stack += [value for value in current.values() if _nested(value)]
    return ""


def _nested(value: object) -> bool:
    """A direct dictionary or array inside an object (indirect ones are visited on their own)."""
    import pikepdf

    return isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect


def _active_in(obj: pikepdf.Object) -> str:
    import pikepdf

    keys = set(obj.keys())
    action = obj.get("/S")
    if "/JS" in keys or "/JavaScript" in keys or action == pikepdf.Name("/JavaScript"):
        return _("du JavaScript")
    if action == pikepdf.Name("/Launch") or "/Launch" in keys:
        return _("une action qui lance un programme")
    if keys & {"/EmbeddedFiles", "/EF"} or obj.get("/Type") == pikepdf.Name("/EmbeddedFile"):
        return _("des fichiers joints")
    if action is not None and str(action) in _ACTIVE_ACTIONS:
        return _("une action automatique")
    return ""


def image_reencode(upload: IO[bytes], *, name: str = "image") -> ContentFile[bytes]:
    """Decode an image (pixel budget enforced) and return it re-encoded as PNG; DomainError."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise DomainError(
                    _("Image trop grande (%(w)d × %(h)d pixels) : 25 millions de pixels au plus.")
                    % {"w": image.width, "h": image.height}
                )
            image.load()
            clean = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            _("Le fichier n'est pas une image lisible (PNG, JPEG, GIF ou WebP attendu).")
        ) from exc
    finally:
        upload.seek(0)
    clean.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    stem = name.rsplit(".", 1)[0][:80] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.png")


def _has_alpha(image: PIL.Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
