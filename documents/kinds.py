"""One declaration per document kind: its template, the object it is rendered for, the jury's
decisions it is issued for, who may download it, what it proves, whether it carries a credential
or the jury signs it, its wording on /verifier/ and its place in the GTP pack. Convocations are
declared here too, one per appointment a candidate is convoked to.

Code reads these declarations instead of branching on `Document.Kind` (tests/test_kinds_once.py
fails on such a branch); adding a kind is one `declare_kind(...)` here, its `Document.Kind`
choice (and, for a jury session's kind, its entry in documents.models.SESSION_KINDS, which the
database's check constraint is built from) and its template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from deliberations.models import Decision

from .models import SESSION_KINDS, Convocation, Document

if TYPE_CHECKING:
    from candidates.models import Registration

PackPlace = Literal["minutes", "notice"]
# What a document is rendered for: one candidate's registration (and the decision in force on
# it), or a whole jury session.
Source = Literal["registration", "jury_session"]
Text = str | Promise


@dataclass(frozen=True)
class DocumentKind:
    code: str  # a Document.Kind value
    template: str  # the PDF's HTML template
    # The dotted path of the function (document) -> dict that builds its template's context.
    context: str
    download: str  # the access action of the staff who download it
    proves: Text  # what the document proves, in one French sentence
    verifier: Text  # its wording on /verifier/
    # For a registration's document: the outcomes of the jury's decision it is issued for, and
    # why it is refused for another one.
    outcomes: tuple[str, ...] = ()
    refusal: Text = ""
    # Issued only while the referential is registered in the RNCP on the jury's date.
    needs_rncp: bool = False
    credential: bool = False  # a verifiable credential is issued with it
    signed_by_jury: bool = False  # the jury members sign it in the product (documents.signatures)
    # /verifier/ states the capacities it notifies (their validity end, the validated blocks).
    states_capacities: bool = False
    taken_away: bool = False  # the candidate downloads it from their space (document.take_away)
    pack: PackPlace | None = None  # its place in the GTP pack, if it goes there
    # The outcomes whose documents of this kind go in the pack (empty: all its outcomes).
    pack_outcomes: tuple[str, ...] = ()

    @property
    def source(self) -> Source:
        """What it is rendered for: documents.models.SESSION_KINDS says which kinds are a
        session's (the database's check constraint is built from it)."""
        return "jury_session" if self.code in SESSION_KINDS else "registration"

    @property
    def for_session(self) -> bool:
        return self.source == "jury_session"

    @property
    def packed_outcomes(self) -> tuple[str, ...]:
        return self.pack_outcomes or self.outcomes

    def build_context(self, document: Document) -> dict[str, Any]:
        context: dict[str, Any] = _function(self.context)(document)
        return context


@cache
def _function(path: str) -> Callable[..., Any]:
    function: Callable[..., Any] = import_string(path)
    return function


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


def find_kind(code: str) -> DocumentKind | None:
    """The declared kind of this code, or None (a code read from a request)."""
    return _kinds.get(code)


def kinds() -> list[DocumentKind]:
    return list(_kinds.values())


def codes_where(**fields: object) -> tuple[str, ...]:
    """The codes of the kinds whose declaration has these values (`codes_where(pack="notice")`)."""
    return tuple(
        k.code for k in _kinds.values() if all(getattr(k, f) == v for f, v in fields.items())
    )


def kinds_at(place: PackPlace) -> list[DocumentKind]:
    """The kinds that go to this place of the GTP pack."""
    return [k for k in _kinds.values() if k.pack == place]


def kind_for_outcome(outcome: str) -> DocumentKind | None:
    """The registration's document a decision of this outcome founds, or None."""
    return next((k for k in _kinds.values() if outcome in k.outcomes), None)


def issued_outcomes() -> tuple[str, ...]:
    """Every outcome that founds a registration's document."""
    return tuple(outcome for k in _kinds.values() for outcome in k.outcomes)


CERTIFICATE = declare_kind(
    DocumentKind(
        code=Document.Kind.CERTIFICATE,
        template="documents/pdf/certificate.html",
        context="documents.rendering.registration_context",
        download="document.manage",
        proves=_("La réussite au CQPM, prononcée par le jury paritaire."),
        verifier=_("Attestation de réussite"),
        outcomes=(Decision.Outcome.ADMISSIBLE,),
        refusal=_("L'attestation de réussite n'est délivrée qu'à un candidat déclaré admissible."),
        needs_rncp=True,
        credential=True,
        taken_away=True,
    )
)
# Who is not declared admissible is notified in writing of the capacities acquired (DESIGN.md
# §5.6): the candidate not admissible, and the one absent or excused, whose capacities stand
# until a later jury (Decision.DEFERRED). The GTP pack holds the non-admissible ones' only.
CAPACITY_NOTICE = declare_kind(
    DocumentKind(
        code=Document.Kind.CAPACITY_NOTICE,
        template="documents/pdf/capacity_notice.html",
        context="documents.rendering.notice_context",
        download="document.manage",
        proves=_("Les capacités professionnelles acquises, valables 24 mois."),
        verifier=_("Notification des capacités acquises"),
        outcomes=(
            Decision.Outcome.NOT_ADMISSIBLE,
            Decision.Outcome.ABSENT,
            Decision.Outcome.EXCUSED,
        ),
        refusal=_(
            "La notification des capacités acquises n'est délivrée qu'à un candidat "
            "non admissible, absent ou excusé."
        ),
        states_capacities=True,
        taken_away=True,
        pack="notice",
        pack_outcomes=(Decision.Outcome.NOT_ADMISSIBLE,),
    )
)
JURY_MINUTES = declare_kind(
    DocumentKind(
        code=Document.Kind.JURY_MINUTES,
        template="documents/pdf/jury_minutes.html",
        context="documents.rendering.minutes_context",
        download="document.manage",
        proves=_("Les décisions du jury, signées de son président."),
        verifier=_("Procès-verbal du jury"),
        signed_by_jury=True,
        pack="minutes",
    )
)


# --- Convocations --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvocationKind:
    """An appointment a candidate is convoked to (documents.convocations): by e-mail with the
    PDF, or kept to print, and convoked again when the session's date, time or place moves."""

    code: str  # a Convocation.Kind value
    template: str  # the PDF's HTML template
    # The dotted path of the function (registration) -> the session the candidate is expected
    # at (its pk, date, start_time and place); it raises DomainError when none is planned.
    session: str
    jury: bool  # before the jury (else the commission's interview): the letter's wording
    subject: Text  # how the e-mail's subject names it (« Convocation au jury »)
    calendar: str  # the calendar event's summary
    to_bring: tuple[Text, ...]  # what the candidate brings

    def session_of(self, registration: Registration) -> Any:
        return _function(self.session)(registration)


_convocations: dict[str, ConvocationKind] = {}


def declare_convocation(kind: ConvocationKind) -> ConvocationKind:
    existing = _convocations.get(kind.code)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Convocation kind {kind.code!r} is declared twice.")
    _convocations[kind.code] = kind
    return kind


def convocation_kind(code: str) -> ConvocationKind:
    try:
        return _convocations[code]
    except KeyError:
        raise ImproperlyConfigured(f"Convocation kind {code!r} is not declared.") from None


def convocation_kinds() -> list[ConvocationKind]:
    return list(_convocations.values())


INTERVIEW_CONVOCATION = declare_convocation(
    ConvocationKind(
        code=Convocation.Kind.INTERVIEW,
        template="documents/pdf/convocation.html",
        session="documents.convocations.interview_session",
        jury=False,
        subject=_("à l'entretien"),
        calendar="Entretien avec la commission d'évaluation",
        to_bring=(
            _("une pièce d'identité en cours de validité"),
            _("cette convocation"),
            _("votre rapport et les documents qui présentent vos projets ou activités"),
        ),
    )
)
JURY_CONVOCATION = declare_convocation(
    ConvocationKind(
        code=Convocation.Kind.JURY,
        template="documents/pdf/convocation.html",
        session="documents.convocations.jury_session",
        jury=True,
        subject=_("au jury"),
        calendar="Jury de délibération",
        to_bring=(_("une pièce d'identité en cours de validité"), _("cette convocation")),
    )
)
