"""HTML to PDF with WeasyPrint, with state held once per process and a static-only URL fetcher.

Each new `FontConfiguration` keeps memory for the life of the process (about 0.23 MB per render
with WeasyPrint's default call, see NOTES.md), so a worker process creates one, parses the base
stylesheet (A4, margins, embedded fonts) once with it, and reuses both for every document.

The fetcher serves only files under the project's static directories and `data:` URIs: a template
or a value in it can never make the worker read /etc/passwd or call a URL on the network.
"""

from __future__ import annotations

import base64
import datetime
import logging
import mimetypes
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import SubElement, tostring  # nosec B405 - builds XML, parses none

from defusedxml.ElementTree import fromstring

# Set before WeasyPrint is imported: its progress steps and fontTools' subsetting report every
# render at INFO, which would flood a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


class _OncePerProcess(logging.Filter):
    """Let WeasyPrint's "install HarfBuzz-Subset" advice through once, not at every render."""

    seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "HarfBuzz-Subset" not in str(record.msg):
            return True
        first, _OncePerProcess.seen = not _OncePerProcess.seen, True
        return first


logging.getLogger("weasyprint").addFilter(_OncePerProcess())

from django.conf import settings  # noqa: E402
from weasyprint import CSS, HTML, Attachment  # noqa: E402
from weasyprint import Document as LaidOutDocument  # noqa: E402
from weasyprint.pdf.metadata import NS, DocumentMetadata  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from cqpm.core.seal import pdf_seal  # noqa: E402

BASE_CSS_PATH = "pdf/base.css"
# Archival PDFs: PDF/A-3 (the version that allows associated files of any type), level B, with
# WeasyPrint's sRGB output intent, and tagged (MarkInfo, structure tree) for screen readers.
PDF_VARIANT = "pdf/a-3b"
# Attachments carry dates; WeasyPrint's default (now) would make every render differ, so they
# take the document's own creation date, or this fixed one when the HTML declares none.
FALLBACK_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# How each associated file relates to the document (ISO 32000-2, 7.11.3): a credential or
# other data the document states.
ATTACHMENT_RELATIONSHIP = "Data"
MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")

_lock = threading.Lock()
_state: dict[str, object] = {}


class StaticOnlyURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Serve `file://` URLs under the static roots and `data:` URIs; refuse everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"URL refusée (seuls les fichiers statiques sont servis) : {url}")
        path = self.static_path(unquote(parts.path))
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type}
        )

    def static_path(self, raw: str) -> Path:
        """The resolved file if it lies under one of the static roots, else ValueError."""
        path = Path(raw).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"Fichier hors des fichiers statiques refusé : {raw}")
        return path


def static_roots() -> list[Path]:
    roots = [Path(folder) for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def default_base_url() -> str:
    """The first static directory as a file URL: templates refer to `pdf/...` relative to it."""
    return static_roots()[0].resolve().as_uri() + "/"


def _process_state() -> tuple[FontConfiguration, CSS, StaticOnlyURLFetcher]:
    # One per process, created on first use (a forked worker child builds its own).
    if "css" not in _state:
        with _lock:
            if "css" not in _state:
                fetcher = StaticOnlyURLFetcher(static_roots())
                font_config = FontConfiguration()
                base_css = _find_static(BASE_CSS_PATH)
                css = CSS(
                    filename=str(base_css),
                    url_fetcher=fetcher,
                    font_config=font_config,
                )
                _state.update(font_config=font_config, fetcher=fetcher, css=css)
    return _state["font_config"], _state["css"], _state["fetcher"]  # type: ignore[return-value]


def _find_static(relative: str) -> Path:
    for root in static_roots():
        candidate = root / relative
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(relative)


def layout_pdf(*, html: str, base_url: str | None = None) -> LaidOutDocument:
    """Lay the HTML out on A4 pages with the shared state; `.pages` gives the page count."""
    font_config, css, fetcher = _process_state()
    document = HTML(string=html, base_url=base_url or default_base_url(), url_fetcher=fetcher)
    return document.render(stylesheets=[css], font_config=font_config)


class ArchivalMetadata(DocumentMetadata):  # type: ignore[misc]  # WeasyPrint ships no types
    """WeasyPrint's XMP packet plus `dc:language`, which PDF/A readers expect and it omits."""

    def generate_rdf_metadata(self, variant: str, version: str, conformance: str) -> bytes:
        # WeasyPrint's own output, never untrusted input.
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        if self.lang:
            description = SubElement(rdf, f"{{{NS['rdf']}}}Description")
            description.attrib[f"{{{NS['rdf']}}}about"] = ""
            bag = SubElement(
                SubElement(description, f"{{{NS['dc']}}}language"), f"{{{NS['rdf']}}}Bag"
            )
            SubElement(bag, f"{{{NS['rdf']}}}li").text = self.lang
        return bytes(tostring(rdf, encoding="utf-8"))


def render_pdf(
    *,
    html: str,
    base_url: str | None = None,
    attachments: Sequence[tuple[str, bytes, str, str]] = (),
    sealed: bool = True,
) -> bytes:
    """The tagged PDF/A-3b bytes of `html`, fonts embedded, reading nothing outside static files,
    sealed last by the issuing organisation (cqpm.core.seal; `sealed=False` only to measure it).

    Each attachment `(filename, data, mime type, description)` is embedded as an associated file
    (listed in the catalog's /AF, with /AFRelationship /Data). Same input, same bytes: the file
    identifier is a hash of the content and every date comes from the HTML.
    """
    document = layout_pdf(html=html, base_url=base_url)
    document.metadata = ArchivalMetadata(**vars(document.metadata))
    when = _declared_date(document.metadata.created)
    fetcher = _process_state()[2]
    for _filename, _data, mime_type, _description in attachments:
        if not MIME_TYPE.fullmatch(mime_type):
            raise ValueError(f"Type de fichier joint invalide : {mime_type!r}")
    files = [
        Attachment(
            # A data: URI carries the exact mime type; the fetcher serves data: URIs only.
            url=f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}",
            url_fetcher=fetcher,
            name=filename,
            description=description,
            created=when,
            modified=when,
            relationship=ATTACHMENT_RELATIONSHIP,
        )
        for filename, data, mime_type, description in attachments
    ]
    data = document.write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=files, finisher=_unique_associated_files
    )
    return pdf_seal(data, when=when) if sealed else data


def _unique_associated_files(document: LaidOutDocument, pdf: Any) -> None:
    """List each associated file once in the catalog's /AF.

    WeasyPrint 70 adds a file spec to /AF twice: once from the EmbeddedFiles name tree, once from
    the file spec objects themselves.
    """
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


def _declared_date(value: str | None) -> datetime.datetime:
    """The `dcterms.created` date of the HTML as an aware datetime, else FALLBACK_DATE."""
    try:
        parsed = datetime.datetime.fromisoformat(value or "")
    except ValueError:
        return FALLBACK_DATE
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
