"""Reading a CSV or XLSX file into checked rows, without touching the database."""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cqpm.core.errors import DomainError

from ..models import Candidate, Pathway, Registration
from ..validators import normalize_person_name, normalize_siret, validate_siret

COLUMNS = (
    "civilite",
    "nom",
    "prenom",
    "date_naissance",
    "email",
    "telephone",
    "entreprise",
    "siret",
    "parcours",
    "tuteur_email",
)
HEADER_ALIASES = {
    "date_de_naissance": "date_naissance",
    "e_mail": "email",
    "courriel": "email",
    "tel": "telephone",
    "email_tuteur": "tuteur_email",
    "tuteur_e_mail": "tuteur_email",
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000

_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def normalize(text: str) -> str:
    """Lower case, no accents, one space between words, straight apostrophes."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("’", "'").casefold().split())


CIVILITIES = {
    "m": Candidate.Civility.MONSIEUR,
    "m.": Candidate.Civility.MONSIEUR,
    "monsieur": Candidate.Civility.MONSIEUR,
    "mme": Candidate.Civility.MADAME,
    "mme.": Candidate.Civility.MADAME,
    "madame": Candidate.Civility.MADAME,
}
PATHWAYS = {normalize(label): value for value, label in Pathway.choices} | {
    value: value for value in Pathway.values
}


# --- Results and errors ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One reason to refuse the file; `line` is None for problems of the whole file."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if not self.column:
            return _("Ligne %(line)d : %(message)s") % {"line": self.line, "message": self.message}
        return _("Ligne %(line)d, colonne « %(column)s » : %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ImportRefused(DomainError):
    """The file was refused whole; `issues` lists every error found, in line order."""

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.line or 0, COLUMNS_ORDER.get(i.column, 99)))
        count = len(self.issues)
        super().__init__(
            ngettext(
                "Fichier refusé : %(count)d erreur, rien n'a été importé.",
                "Fichier refusé : %(count)d erreurs, rien n'a été importé.",
                count,
            )
            % {"count": count},
            code="import_refused",
        )


COLUMNS_ORDER = {name: position for position, name in enumerate(COLUMNS)}


def file_error(message: str) -> ImportRefused:
    return ImportRefused([ImportIssue(None, "", message)])


@dataclass
class ImportRow:
    """One checked line of the file (or one generated row, for seed_demo)."""

    line: int
    civility: str
    last_name: str
    first_name: str
    birth_date: datetime.date
    email: str = ""
    phone: str = ""
    company_name: str = ""
    siret: str = ""
    pathway: str = Pathway.CONTINUING
    tutor_email: str = ""
    stage: str = Registration.Stage.REGISTERED

    @property
    def pathway_label(self) -> str:
        return str(Pathway(self.pathway).label)

    @property
    def person_key(self) -> tuple[str, str, datetime.date]:
        return person_key(self.last_name, self.first_name, self.birth_date)


def person_key(last_name: str, first_name: str, birth_date: datetime.date) -> tuple:
    """The same person as registration_create sees it: names without case or accents, birth date."""
    return (normalize_person_name(last_name), normalize_person_name(first_name), birth_date)


# --- Reading the file --------------------------------------------------------------------------


def parse_file(*, data: bytes, filename: str) -> list[ImportRow]:
    """Read and check the rows of a file without touching the database; raises ImportRefused."""
    table = _table(data, filename)
    header_line, columns = _header(table)
    rows: list[ImportRow] = []
    issues: list[ImportIssue] = []
    seen: dict[tuple, int] = {}
    for line, cells in table:
        if not any(_text(c) for c in cells):
            continue
        if len(rows) + len(issues) >= MAX_ROWS:
            raise file_error(_("Le fichier dépasse %(max)d lignes.") % {"max": MAX_ROWS})
        values = {name: _text(cells[i]) if i < len(cells) else "" for name, i in columns.items()}
        row = _parse_row(line, values, issues)
        if row is None:
            continue
        first = seen.setdefault(row.person_key, line)
        if first != line:
            issues.append(
                ImportIssue(
                    line,
                    "nom",
                    _("%(person)s figure déjà ligne %(first)d du fichier.")
                    % {"person": describe_person(row), "first": first},
                )
            )
            continue
        rows.append(row)
    if issues:
        raise ImportRefused(issues)
    if not rows:
        raise file_error(
            _("Le fichier ne contient aucune ligne de candidat après l'en-tête (ligne %(line)d).")
            % {"line": header_line}
        )
    return rows


def _table(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    if not data.strip():
        raise file_error(_("Le fichier est vide."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("csv", "txt"):
        return _csv_rows(data)
    if extension == "xlsx":
        return _xlsx_rows(data)
    raise file_error(
        _("Format non pris en charge (%(name)s) : envoyez un fichier .csv ou .xlsx.")
        % {"name": filename}
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise file_error(_("Ce fichier n'est pas un fichier CSV (texte) lisible."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise file_error(
                _("Encodage du fichier CSV non reconnu : enregistrez-le en UTF-8.")
            ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return _csv_iter(text, delimiter)


def _csv_iter(text: str, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise file_error(
            _("Fichier CSV mal formé à la ligne %(line)d.") % {"line": reader.line_num}
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    if not data.startswith(b"PK\x03\x04"):
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML (defusedxml) or openpyxl errors all mean "unreadable"
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    return _xlsx_iter(workbook)


def _xlsx_iter(workbook) -> Iterator[tuple[int, list]]:
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    except Exception as exc:  # a corrupt sheet shows only while it is read
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(table: Iterator[tuple[int, list]]) -> tuple[int, dict[str, int]]:
    for line, cells in table:
        names = [_text(c) for c in cells]
        if not any(names):
            continue
        columns: dict[str, int] = {}
        for position, name in enumerate(names):
            key = normalize(name).replace(" ", "_").replace("-", "_")
            key = HEADER_ALIASES.get(key, key)
            if key in COLUMNS and key not in columns:
                columns[key] = position
        missing = [name for name in COLUMNS if name not in columns]
        if missing:
            raise ImportRefused(
                [
                    ImportIssue(line, name, _("colonne manquante dans l'en-tête."))
                    for name in missing
                ]
            )
        return line, columns
    raise file_error(_("Le fichier est vide."))


# --- Checking one row --------------------------------------------------------------------------


def _parse_row(line: int, values: dict[str, str], issues: list[ImportIssue]) -> ImportRow | None:
    found: list[ImportIssue] = []

    def bad(column: str, message: str) -> None:
        found.append(ImportIssue(line, column, message))

    civility = CIVILITIES.get(normalize(values["civilite"]))
    if civility is None:
        bad("civilite", _civility_message(values["civilite"]))
    last_name = _required_name(values["nom"], "nom", _("nom manquant."), bad)
    first_name = _required_name(values["prenom"], "prenom", _("prénom manquant."), bad)
    birth_date = _birth_date(values["date_naissance"], bad)
    email = _email(values["email"], "email", bad)
    phone = values["telephone"]
    if len(phone) > 32:
        bad("telephone", _("numéro de téléphone trop long (32 caractères au plus)."))
    company_name, siret = _company(values["entreprise"], values["siret"], bad)
    pathway = PATHWAYS.get(normalize(values["parcours"]))
    if pathway is None:
        bad("parcours", _pathway_message(values["parcours"]))
    tutor_email = _email(values["tuteur_email"], "tuteur_email", bad).lower()
    if found:
        issues.extend(found)
        return None
    return ImportRow(
        line=line,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        email=email,
        phone=phone,
        company_name=company_name,
        siret=siret,
        pathway=pathway,
        tutor_email=tutor_email,
    )


def _civility_message(value: str) -> str:
    if not value:
        return _("civilité manquante (M. ou Mme).")
    return _("civilité « %(value)s » inconnue : M., Monsieur, Mme ou Madame attendu.") % {
        "value": value
    }


def _pathway_message(value: str) -> str:
    labels = ", ".join(str(label).lower() for label in Pathway.labels)
    if not value:
        return _("parcours manquant (%(labels)s).") % {"labels": labels}
    return _("parcours « %(value)s » inconnu : %(labels)s.") % {"value": value, "labels": labels}


def _required_name(value: str, column: str, missing: str, bad) -> str:
    if not value:
        bad(column, missing)
    elif len(value) > 150:
        bad(column, _("150 caractères au plus."))
    return value


def _birth_date(value: str, bad) -> datetime.date | None:
    match = _DATE_RE.match(value)
    if not value:
        bad("date_naissance", _("date de naissance manquante (JJ/MM/AAAA)."))
        return None
    try:
        if match is None:
            raise ValueError
        day, month, year = (int(part) for part in match.groups())
        date = datetime.date(year, month, day)
    except ValueError:
        bad(
            "date_naissance",
            _("date « %(value)s » invalide : format JJ/MM/AAAA attendu.") % {"value": value},
        )
        return None
    if not datetime.date(1900, 1, 1) <= date <= timezone.localdate():
        bad(
            "date_naissance",
            _("date de naissance « %(value)s » invraisemblable.") % {"value": value},
        )
        return None
    return date


def _email(value: str, column: str, bad) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        bad(column, _("adresse e-mail « %(value)s » invalide.") % {"value": value})
        return ""
    return value


def _company(name: str, raw_siret: str, bad) -> tuple[str, str]:
    siret = normalize_siret(raw_siret)
    if len(name) > 200:
        bad("entreprise", _("raison sociale trop longue (200 caractères au plus)."))
    if name and not siret:
        bad("siret", _("SIRET manquant pour l'entreprise « %(name)s ».") % {"name": name})
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as exc:
            bad("siret", " ".join(exc.messages))
    return name, siret


def describe_person(row: ImportRow) -> str:
    return _("%(last)s %(first)s, né(e) le %(date)s") % {
        "last": row.last_name.upper(),
        "first": row.first_name,
        "date": row.birth_date.strftime("%d/%m/%Y"),
    }
