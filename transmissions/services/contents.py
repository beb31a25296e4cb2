"""The files of a transmission pack, written one by one into a ZIP on a temporary file.

Nothing holds the whole archive in memory: stored PDFs are copied in chunks, and each file's
SHA-256 is computed while it is written, for the manifest (`manifeste-sha256.txt`, in the
format `sha256sum -c` reads).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from candidates.exports import escape_cell
from candidates.models import Candidate, CentreMembership
from cqpm.core.pdf import render_pdf
from deliberations.models import Decision, JuryMember, JurySession
from documents.models import Document
from documents.rendering import centre_city, logo_data_uri

MANIFEST_NAME = "manifeste-sha256.txt"
CHUNK = 256 * 1024
COVER = "01-lettre-de-transmission.pdf"
MINUTES = "02-proces-verbal-et-feuille-d-emargement.pdf"
COMPOSITION = "03-composition-du-jury.csv"
DECISIONS_CSV = "04-decisions.csv"
DECISIONS_PDF = "04-decisions.pdf"
NOTICES = "05-notifications-des-capacites-acquises"


@dataclass
class PackWriter:
    """A ZIP being written, with the SHA-256 of every file put in it."""

    archive: zipfile.ZipFile
    stamp: tuple[int, int, int, int, int, int]
    hashes: list[tuple[str, str]] = field(default_factory=list)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.archive.writestr(self.info(name), data)
        self.hashes.append((name, hashlib.sha256(data).hexdigest()))

    def add_stored(self, name: str, stored: FieldFile) -> None:
        digest = hashlib.sha256()
        with stored.open("rb") as source, self.archive.open(self.info(name), "w") as target:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                target.write(chunk)
        self.hashes.append((name, digest.hexdigest()))

    def manifest(self) -> bytes:
        return "".join(f"{sha}  {name}\n" for name, sha in self.hashes).encode("utf-8")

    def info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self.stamp)
        # PDFs are already compressed: stored as they are; texts are deflated.
        info.compress_type = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
        return info


def write_pack(
    handle: IO[bytes], *, session: JurySession, minutes: Document, notices: list[Document]
) -> list[tuple[str, str]]:
    """Write the pack's ZIP into `handle`; returns (name, sha256) of every file but the manifest."""
    with translation.override(settings.LANGUAGE_CODE):
        context = pack_context(session=session, minutes=minutes, notices=notices)
        stamp = timezone.localtime().timetuple()[:6]
        with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
            writer = PackWriter(archive=archive, stamp=stamp)
            writer.add_bytes(COVER, _pdf("transmissions/pdf/cover_letter.html", context))
            writer.add_stored(MINUTES, minutes.file)
            writer.add_bytes(COMPOSITION, composition_csv(context["members"]))
            writer.add_bytes(DECISIONS_CSV, decisions_csv(context["decisions"]))
            writer.add_bytes(DECISIONS_PDF, _pdf("transmissions/pdf/decisions.html", context))
            for name, notice in context["notice_files"]:
                writer.add_stored(name, notice.file)
            # The manifest lists every other file; it is not listed in itself.
            archive.writestr(writer.info(MANIFEST_NAME), writer.manifest())
        return writer.hashes


def pack_context(
    *, session: JurySession, minutes: Document, notices: list[Document]
) -> dict[str, Any]:
    session = JurySession.objects.select_related("campaign__centre", "campaign__referential").get(
        pk=session.pk
    )
    centre = session.campaign.centre
    members = list(
        JuryMember.objects.filter(session=session)
        .select_related("user")
        .order_by("college", "-is_president", "user__last_name", "pk")
    )
    president = next((m for m in members if m.is_president), None)
    colleges = [
        (label, [m for m in members if m.college == value])
        for value, label in CentreMembership.College.choices
    ]
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related("registration__candidate", "recorded_by")
        .order_by("registration__candidate__last_name", "registration__candidate__first_name", "pk")
    )
    notice_files = [
        (f"{NOTICES}/{_notice_name(notice)}", notice)
        for notice in sorted(notices, key=lambda d: _holder_key(d))
    ]
    return {
        "session": session,
        "campaign": session.campaign,
        "centre": centre,
        "referential": session.campaign.referential,
        "logo": logo_data_uri(centre),
        # The jury's place as the certificate and the convocation print it: the centre's town
        # and address, never the room's name as it was typed.
        "city": centre_city(centre),
        "centre_line": ", ".join(
            line.strip() for line in centre.address.splitlines() if line.strip()
        ),
        "issued_on": timezone.localdate(),
        "members": members,
        "president": president,
        "colleges": colleges,
        "decisions": decisions,
        "active": [d for d in decisions if d.is_active],
        "minutes": minutes,
        "notice_files": notice_files,
        "files": [COVER, MINUTES, COMPOSITION, DECISIONS_CSV, DECISIONS_PDF]
        + [name for name, _notice in notice_files]
        + [MANIFEST_NAME],
        "signatory_name": centre.signatory_name,
        "signatory_title": centre.signatory_title,
    }


def _holder(document: Document) -> Candidate:
    # A notice always has its registration (documents_document_source_matches_kind).
    if document.registration is None:
        raise ValueError(f"Document {document.pk} has no registration.")
    return document.registration.candidate


def _holder_key(document: Document) -> tuple[str, str, int]:
    candidate = _holder(document)
    return (candidate.last_name, candidate.first_name, document.pk)


def _notice_name(document: Document) -> str:
    candidate = _holder(document)
    stem = slugify(f"{candidate.last_name}-{candidate.first_name}") or "candidat"
    return f"{stem}-{document.pk}-v{document.version}.pdf"


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    return render_pdf(html=render_to_string(template, context))


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    """`;`-separated UTF-8 with a BOM (French spreadsheets), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def composition_csv(members: list[JuryMember]) -> bytes:
    header = [_("Collège"), _("Nom"), _("Prénom"), _("Président"), _("Présent"), _("Émargé le")]
    rows: list[list[object]] = [
        [
            member.get_college_display(),
            member.user.last_name or member.user.email,
            member.user.first_name,
            _yes_no(member.is_president),
            _yes_no(member.present),
            _when(member.signed_at),
        ]
        for member in members
    ]
    return _csv(header, rows)


def decisions_csv(decisions: list[Decision]) -> bytes:
    header = [
        _("Nom"),
        _("Prénom"),
        _("Date de naissance"),
        _("Décision"),
        _("Décision proposée"),
        _("Motif du jury"),
        _("État"),
        _("Motif de la rectification"),
        _("Enregistrée le"),
    ]
    rows: list[list[object]] = []
    for decision in decisions:
        candidate = decision.registration.candidate
        rows.append(
            [
                candidate.last_name,
                candidate.first_name,
                candidate.birth_date.strftime("%d/%m/%Y") if candidate.birth_date else "",
                decision.get_outcome_display(),
                decision.get_proposed_display(),
                decision.jury_reason,
                _("En vigueur") if decision.is_active else _("Remplacée"),
                decision.reason,
                _when(decision.created_at),
            ]
        )
    return _csv(header, rows)
