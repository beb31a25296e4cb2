"""The CDC's processing report, as uploaded by staff: parsed with limits, every error located.

The CDC's kit does not fix the report's shape here, so the product reads a CSV (docs/CDC.md):
a header line, then one line per holder:

    idFlux;idTechnique;statut;motif
    cqpm-20270601-0830-1a2b3c;cqpm-inscription-12;ACCEPTE;
    cqpm-20270601-0830-1a2b3c;cqpm-inscription-13;REJETE;Code INSEE de naissance inconnu

`;` or `,` separates the columns; UTF-8 (with or without BOM) or Windows-1252; `statut` is
ACCEPTE / ACCEPTÉ / OK or REJETE / REJETÉ / KO, in any case.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 200_000
MAX_REASON = 1000
COLUMNS = ("idflux", "idtechnique", "statut", "motif")
ACCEPTED = {"ACCEPTE", "ACCEPTÉ", "OK", "ACCEPTED"}
REJECTED = {"REJETE", "REJETÉ", "KO", "REJECTED", "REFUSE", "REFUSÉ"}


@dataclass(frozen=True)
class ReportLine:
    number: int
    id_flux: str
    id_technique: str
    accepted: bool
    reason: str


class ReportErrors(DomainError):
    """The report is refused whole; `errors` lists every problem with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("Le compte rendu est refusé : %(n)s erreur(s).") % {"n": len(errors)})
        self.errors = errors


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ReportErrors([_("Le fichier n'est pas un CSV (octets nuls).")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def report_parse(data: bytes) -> list[ReportLine]:
    """The report's lines, or ReportErrors with every problem (nothing half-read)."""
    if len(data) > MAX_BYTES:
        raise ReportErrors([_("Le fichier dépasse 5 Mo.")])
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ReportErrors([_("Le fichier est vide.")]) from None
    if tuple(header[:3]) != COLUMNS[:3]:
        raise ReportErrors([_("Ligne 1 : en-tête attendu « idFlux;idTechnique;statut;motif ».")])
    lines: list[ReportLine] = []
    errors: list[str] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if number > MAX_LINES:
                raise ReportErrors([_("Le fichier dépasse %(n)s lignes.") % {"n": MAX_LINES}])
            if not any(c.strip() for c in cells):
                continue
            line = _line(number, cells, errors)
            if line is not None:
                lines.append(line)
    except csv.Error as exc:
        errors.append(_("Fichier CSV illisible : %(e)s") % {"e": exc})
    if errors:
        raise ReportErrors(errors[:50])
    if not lines:
        raise ReportErrors([_("Le compte rendu ne contient aucune ligne.")])
    return lines


def _line(number: int, cells: list[str], errors: list[str]) -> ReportLine | None:
    cells = [c.strip() for c in cells] + [""] * 4
    id_flux, id_technique, status, reason = cells[:4]
    where = _("Ligne %(n)s : ") % {"n": number}
    if not id_flux or not id_technique:
        errors.append(where + _("idFlux et idTechnique sont obligatoires."))
        return None
    status = status.upper()
    if status not in ACCEPTED | REJECTED:
        errors.append(where + _("statut « %(s)s » inconnu (ACCEPTE ou REJETE).") % {"s": status})
        return None
    if len(reason) > MAX_REASON:
        errors.append(where + _("motif trop long (%(n)s caractères au plus).") % {"n": MAX_REASON})
        return None
    accepted = status in ACCEPTED
    if not accepted and not reason:
        reason = _("Sans motif indiqué par la CDC.")
    return ReportLine(number, id_flux[:50], id_technique[:255], accepted, reason)
