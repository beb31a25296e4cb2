"""The HTML of each document, from Django templates, and its PDF through cqpm.core.pdf.

Everything a template shows is read here, in a few queries, and passed as plain context: the
exam centre's identity and logo (inlined as a data: URI, so nothing is fetched), the
referential, the jury, the signatory and the verification code with its QR code (inline SVG).
"""

from __future__ import annotations

import base64
import datetime
import mimetypes
import re
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import CentreMembership, ExamCentre
from cqpm.core.pdf import render_pdf
from cqpm.core.registry import DocumentExtra, document_pdf_extras
from deliberations.models import (
    CapacityResult,
    Decision,
    JuryMember,
    JuryRecusal,
    JurySession,
    ResultSheet,
)
from deliberations.rules import carry_over_end
from deliberations.services.decisions import DELIBERATION_CHANGE_REASON

from .kinds import kind_of, kinds
from .models import Document
from .selectors import validated_block_lines

TEMPLATES = {k.code: k.template for k in kinds()}
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"})


def centre_city(centre: ExamCentre) -> str:
    """The town of the centre's address ("69007 Lyon" -> "Lyon"), for "Fait à …"; "" if none."""
    lines = [line.strip() for line in centre.address.splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^\d{5}\s+", "", lines[-1]).strip()


def verification_url(document: Document) -> str:
    path = reverse("documents:verify", kwargs={"code": document.verification_code})
    return f"{settings.SITE_URL}{path}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no file, no fetch), sized by the stylesheet.

    The mask is fixed: choosing the best of the eight takes segno ~10 ms per document, and any
    mask gives a valid code that scanners read.
    """
    return segno.make(url, error="m", mask=0).svg_inline(scale=1, border=0, omitsize=True)


def logo_data_uri(centre: ExamCentre) -> str:
    """The centre's stored logo as a data: URI, or "" when missing, too big or not an image."""
    if not centre.logo:
        return ""
    media_type = mimetypes.guess_type(centre.logo.name)[0]
    if media_type not in LOGO_TYPES:
        return ""
    try:
        if centre.logo.size > LOGO_MAX_BYTES:
            return ""
        with centre.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class CapacityLine:
    number: int
    title: str
    acquired: bool | None  # None: no result recorded
    source: str
    valid_until: datetime.date | None
    lapsed: bool = False  # acquired, but its validity ended before the notice was issued


def document_html(document: Document, *, extras: list[DocumentExtra] | None = None) -> str:
    """The HTML handed to WeasyPrint for this document; `extras` come from later apps."""
    kind = kind_of(document.kind)
    with translation.override(settings.LANGUAGE_CODE):
        context = _common_context(document) | kind.build_context(document)
        context["extras"] = [extra.html for extra in extras or () if extra.html]
        return render_to_string(kind.template, context)


def document_pdf(document: Document) -> bytes:
    """The PDF, with what later apps add to it (cqpm.core.registry: document extras)."""
    extras = [
        extra
        for contribution in document_pdf_extras()
        if (extra := contribution.provider(document)) is not None
    ]
    return render_pdf(
        html=document_html(document, extras=extras),
        attachments=[item for extra in extras for item in extra.attachments],
    )


# What the worker loads with the document (documents.services.document_generate): the frame
# and the registration's context read it there instead of querying it again.
RENDER_RELATED = (
    "registration__candidate",
    "jury_session__campaign__centre",
    "jury_session__campaign__referential",
    "decision__session__campaign__centre",
    "decision__session__campaign__referential",
    "decision__registration__candidate",
    "decision__registration__company",
)


def _cached(instance: Any, *path: str) -> bool:
    """Whether each relation of `path` is already loaded on `instance` (select_related)."""
    for name in path:
        if instance is None or not instance._meta.get_field(name).is_cached(instance):
            return False
        instance = getattr(instance, name)
    return True


def _session_of(document: Document) -> JurySession:
    """The jury session the document belongs to (its decision's, else its own) with its
    campaign, centre and referential: as loaded with the document, else in one query."""
    owner: Any
    if document.decision_id:
        owner = document.decision if _cached(document, "decision") else None
        name = "session"
    else:
        owner, name = document, "jury_session"
    if owner is not None and all(
        _cached(owner, name, "campaign", relation) for relation in ("centre", "referential")
    ):
        return getattr(owner, name)
    session_id: Any = document.jury_session_id
    if document.decision_id:
        session_id = document.decision.session_id  # type: ignore[union-attr]
    return JurySession.objects.select_related("campaign__centre", "campaign__referential").get(
        pk=session_id
    )


def _common_context(document: Document) -> dict:
    session = _session_of(document)
    # The first member in the members' order who presides (one query, the user with it).
    member = (
        JuryMember.objects.filter(session_id=session.pk, is_president=True)
        .select_related("user")
        .first()
    )
    centre = session.campaign.centre
    president = member.user if member is not None else None
    url = verification_url(document)
    return {
        "document": document,
        "session": session,
        "campaign": session.campaign,
        "centre": centre,
        "logo": logo_data_uri(centre),
        "city": centre_city(centre),
        "centre_line": ", ".join(line.strip() for line in centre.address.splitlines() if line),
        "referential": session.campaign.referential,
        "president": president,
        "signatory_name": centre.signatory_name or (president.get_full_name() if president else ""),
        "signatory_title": centre.signatory_title or ("La présidence du jury" if president else ""),
        # Who signs, by role: the centre for the centre, else the jury through its president.
        "signatory_role": (
            "Pour le centre d'examen,"
            if centre.signatory_name or not president
            else "Pour le jury paritaire de délibération,"
        ),
        "issued_on": timezone.localdate(document.created_at or timezone.now()),
        "verification_url": url,
        "qr_svg": qr_svg(url),
    }


def registration_context(document: Document) -> dict:
    decision: Decision
    if _cached(document, "decision") and all(
        _cached(document.decision, *path)
        for path in (("registration", "candidate"), ("registration", "company"), ("session",))
    ):
        decision = document.decision  # type: ignore[assignment]  # the cached one: not None
    else:
        decision = Decision.objects.select_related(
            "registration__candidate", "registration__company", "session"
        ).get(pk=document.decision_id)
    candidate = decision.registration.candidate
    return {
        "decision": decision,
        "registration": decision.registration,
        "candidate": candidate,
        "feminine": candidate.civility == candidate.Civility.MADAME,
        # Absent or excused at the jury: the notice says so (documents.kinds: its outcomes).
        "absent": decision.outcome in Decision.DEFERRED,
        "excused": decision.outcome == Decision.Outcome.EXCUSED,
    }


def notice_context(document: Document) -> dict:
    context = registration_context(document)
    default_until = carry_over_end(context["decision"].session.date)
    issued_on = timezone.localdate(document.created_at or timezone.now())
    lines = capacity_lines(
        registration=context["registration"], default_until=default_until, on=issued_on
    )
    return context | {
        "lines": lines,
        # « Non admissible » with every capacity acquired: the notice states the jury's reason.
        "all_acquired": all(line.acquired for line in lines),
        "acquired": [line for line in lines if line.acquired],
        "not_acquired": [line for line in lines if not line.acquired],
        "valid_until": default_until,
        # CQPM registered in the RNCP: blocks whose every capacity is acquired, for 5 years.
        "blocks": validated_block_lines(
            registration_id=context["registration"].pk,
            jury_date=context["decision"].session.date,
            on=issued_on,
        ),
    }


def capacity_lines(
    *, registration, default_until: datetime.date, on: datetime.date | None = None
) -> list[CapacityLine]:
    """Every capacity of the referential with its result and, if acquired, its validity end
    (`lapsed` when that end is before `on`, by default today)."""
    on = on or timezone.localdate()
    referential = registration.campaign.referential
    sheet = ResultSheet.objects.filter(registration=registration).first()
    results = {}
    if sheet is not None:
        results = {r.capacity_id: r for r in sheet.results.all()}
    lines = []
    for capacity in referential.capacities.order_by("number"):
        result = results.get(capacity.pk)
        acquired = None if result is None else result.outcome == CapacityResult.Outcome.ACQUIRED
        valid_until = (result.valid_until or default_until) if acquired and result else None
        lines.append(
            CapacityLine(
                number=capacity.number,
                title=capacity.title,
                acquired=acquired,
                source=result.get_source_display() if result else "",
                valid_until=valid_until,
                lapsed=valid_until is not None and valid_until < on,
            )
        )
    return lines


def _superseded_by(decision: Decision) -> Decision | None:
    try:
        return decision.superseded_by
    except Decision.DoesNotExist:
        return None


def minutes_context(document: Document) -> dict:
    session = JurySession.objects.select_related("campaign__centre").get(
        pk=document.jury_session_id
    )
    members = list(session.members.select_related("user").order_by("-is_president", "pk"))
    colleges = [
        (label, [m for m in members if m.college == value])
        for value, label in CentreMembership.College.choices
    ]
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related("registration__candidate", "supersedes", "superseded_by")
        .order_by(
            "registration__candidate__last_name",
            "registration__candidate__first_name",
            "created_at",
        )
    )
    # The session's own last word on each candidate: in force, or followed only by a later
    # session's decision (a candidate absent here and decided there).
    final = [d for d in decisions if d.is_active or _superseded_by(d) is None]
    tally = [
        (label, sum(1 for d in final if d.outcome == value))
        for value, label in Decision.Outcome.choices
    ]
    recusals: dict[int, list[JuryRecusal]] = {}
    for recusal in JuryRecusal.objects.filter(session=session).select_related("member__user"):
        recusals.setdefault(recusal.registration_id, []).append(recusal)
    for decision in decisions:
        # Decided at the sitting: dated the sitting day; an amendment (the president's, after
        # the closing) keeps its own date.
        decision.in_session = (
            decision.supersedes_id is None or decision.reason == DELIBERATION_CHANGE_REASON
        )
        decision.recusals = recusals.get(decision.registration_id, [])
    from .signatures import minutes_signature_lines

    centre = session.campaign.centre
    return {
        # The centre signs for the centre (its own signatory, never the jury's president).
        "centre_signatory_name": centre.signatory_name,
        "centre_signatory_title": centre.signatory_title,
        "closed_later": session.closed_at is not None
        and timezone.localdate(session.closed_at) != session.date,
        "signature_lines": minutes_signature_lines(document=document),
        "signed_at": document.signed_at,
        "members": members,
        "colleges": colleges,
        "decisions": decisions,
        "tally": tally,
        "candidate_count": session.candidates.count(),
    }
