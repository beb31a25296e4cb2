"""One declaration per document kind: its template, who may download it, what it proves,
whether it carries a credential, its wording on /verifier/ and its place in the GTP pack.

Code reads these declarations instead of branching on `Document.Kind`; adding a kind is one
`declare_kind(...)` here, its `Document.Kind` choice and its template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Document

PackPlace = Literal["minutes", "notice"]


@dataclass(frozen=True)
class DocumentKind:
    code: str  # a Document.Kind value
    template: str  # the PDF's HTML template
    download: str  # the access action of the staff who download it
    proves: str | Promise  # what the document proves, in one French sentence
    verifier: str | Promise  # its wording on /verifier/
    credential: bool = False  # a verifiable credential is issued with it
    taken_away: bool = False  # the candidate downloads it from their space (document.take_away)
    pack: PackPlace | None = None  # its place in the GTP pack, if it goes there


_kinds: dict[str, DocumentKind] = {}


def declare_kind(kind: DocumentKind) -> DocumentKind:
    """Declare a kind once; a second, different declaration of the same code is an error."""
    existing = _kinds.get(kind.code)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Document kind {kind.code!r} is declared twice.")
    _kinds[kind.code] = kind
    return kind


def kind_of(code: str) -> DocumentKind:
    try:
        return _kinds[code]
    except KeyError:
        raise ImproperlyConfigured(f"Document kind {code!r} is not declared.") from None


def kinds() -> list[DocumentKind]:
    return list(_kinds.values())


def codes_where(**fields: object) -> tuple[str, ...]:
    """The codes of the kinds whose declaration has these values (`codes_where(pack="notice")`)."""
    return tuple(
        k.code for k in _kinds.values() if all(getattr(k, f) == v for f, v in fields.items())
    )


CERTIFICATE = declare_kind(
    DocumentKind(
        code=Document.Kind.CERTIFICATE,
        template="documents/pdf/certificate.html",
        download="document.manage",
        proves=_("La réussite au CQPM, prononcée par le jury paritaire."),
        verifier=_("Attestation de réussite"),
        credential=True,
        taken_away=True,
    )
)
CAPACITY_NOTICE = declare_kind(
    DocumentKind(
        code=Document.Kind.CAPACITY_NOTICE,
        template="documents/pdf/capacity_notice.html",
        download="document.manage",
        proves=_("Les capacités professionnelles acquises, valables 24 mois."),
        verifier=_("Notification des capacités acquises"),
        taken_away=True,
        pack="notice",
    )
)
JURY_MINUTES = declare_kind(
    DocumentKind(
        code=Document.Kind.JURY_MINUTES,
        template="documents/pdf/jury_minutes.html",
        download="document.manage",
        proves=_("Les décisions du jury, signées de son président."),
        verifier=_("Procès-verbal du jury"),
        pack="minutes",
    )
)
