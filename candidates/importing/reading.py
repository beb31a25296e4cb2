"""Reading a CSV or XLSX file into checked rows, without touching the database."""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import openpyxl
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cqpm.core.errors import DomainError
from cqpm.core.validation import field_problems, text_problems

from ..models import (
    ACCESS_MODE_OF_PATHWAY,
    AccessMode,
    Candidate,
    Company,
    Pathway,
    Registration,
    RegistrationInitiative,
    VaeWay,
    identity_key_of,
)
from ..validators import normalize_siret, validate_siret

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
# Optional: what the Caisse des Dépôts' deposit needs beyond them; a file without them imports
# as before (the birth name is then the name, the sex the civility's, the country France, the
# access mode the pathway's).
OPTIONAL_COLUMNS = (
    "nom_naissance",
    "nom_usage",
    "prenom_2",
    "prenom_3",
    "sexe",
    "code_insee_naissance",
    "code_postal_naissance",
    "commune_naissance",
    "code_pays_naissance",
    "pays_naissance",
    "modalite_acces",
    "voie_vae",
    "initiative_inscription",
)
HEADER_ALIASES = {
    "date_de_naissance": "date_naissance",
    "e_mail": "email",
    "courriel": "email",
    "tel": "telephone",
    "email_tuteur": "tuteur_email",
    "tuteur_e_mail": "tuteur_email",
    "deuxieme_prenom": "prenom_2",
    "troisieme_prenom": "prenom_3",
    "lieu_naissance": "commune_naissance",
    "commune_de_naissance": "commune_naissance",
    "pays_de_naissance": "pays_naissance",
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_ISSUES = 1_000  # errors kept to show (all are counted)
# What a workbook may expand to once unzipped, read from the sizes its archive declares (zipfile
# never inflates an entry past its declared size): a 656 KB file of shared strings can claim 300 MB.
MAX_XLSX_UNCOMPRESSED = 120 * 1024 * 1024
# openpyxl keeps every shared string in memory (the sheet itself is streamed): 100,000 rows of
# distinct names and addresses take about 20 MB of XML.
MAX_XLSX_SHARED_STRINGS = 40 * 1024 * 1024
MAX_XLSX_ENTRIES = 200

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
SEXES = {"m": "M", "masculin": "M", "h": "M", "homme": "M", "f": "F", "feminin": "F"} | {
    "femme": "F"
}


def _choices_read(choices: type[models.Choices]) -> dict[str, str]:
    """A choice by its value (the deposit's code) or its French label, any case or accents."""
    return {normalize(label): value for value, label in choices.choices} | {
        normalize(value): value for value in choices.values
    }


ACCESS_MODES = _choices_read(AccessMode)
VAE_WAYS = _choices_read(VaeWay)
INITIATIVES = _choices_read(RegistrationInitiative)
# Each optional identity column and the Candidate field it is stored in.
IDENTITY_COLUMNS = {
    "nom_naissance": "birth_name",
    "nom_usage": "usage_name",
    "prenom_2": "second_first_name",
    "prenom_3": "third_first_name",
    "code_insee_naissance": "birth_place_insee",
    "code_postal_naissance": "birth_postal_code",
    "commune_naissance": "birth_place_label",
    "code_pays_naissance": "birth_country_code",
    "pays_naissance": "birth_country_label",
}
_UPPER_COLUMNS = frozenset({"code_insee_naissance", "code_postal_naissance", "code_pays_naissance"})


# --- Results and errors ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One reason to refuse the file; `line` is None for problems of the whole file."""

    line: int | None
    column: str
    message: str
    code: str = ""  # "homonym": a decision staff still owe, not a fault of the file

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
    """The file was refused whole; `issues` lists the errors found in line order, the first
    MAX_ISSUES of them (a file of 100,000 bad rows would otherwise hold a million messages);
    `total` counts them all."""

    def __init__(self, issues: list[ImportIssue], *, total: int | None = None) -> None:
        ordered = sorted(issues, key=lambda i: (i.line or 0, COLUMNS_ORDER.get(i.column, 99)))
        self.issues = ordered[:MAX_ISSUES]
        self.total = count = max(total or 0, len(ordered))
        if count > len(self.issues):
            message = _(
                "Fichier refusé : %(count)d erreurs (les %(shown)d premières sont listées), "
                "rien n'a été importé."
            ) % {"count": count, "shown": len(self.issues)}
        else:
            message = ngettext(
                "Fichier refusé : %(count)d erreur, rien n'a été importé.",
                "Fichier refusé : %(count)d erreurs, rien n'a été importé.",
                count,
            ) % {"count": count}
        super().__init__(message, code="import_refused")


COLUMNS_ORDER = {name: position for position, name in enumerate((*COLUMNS, *OPTIONAL_COLUMNS))}


def file_error(message: str) -> ImportRefused:
    return ImportRefused([ImportIssue(None, "", message)])


@dataclass(slots=True)
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
    # The deposit's identity (Candidate's field names); blank ones take the model's defaults.
    identity: dict[str, str] = field(default_factory=dict)
    access_mode: str = ""
    vae_way: str = ""
    registration_initiative: str = ""
    person_key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.person_key = person_key(self.last_name, self.first_name, self.birth_date)

    @property
    def pathway_label(self) -> str:
        return str(Pathway(self.pathway).label)


def person_key(last_name: str, first_name: str, birth_date: datetime.date) -> tuple:
    """Names and birth date as the database's identity constraint sees them
    (`Candidate.identity_key`): no case, accents, hyphens or extra spaces."""
    return (identity_key_of(last_name, first_name), birth_date)


# --- Reading the file --------------------------------------------------------------------------


class _BadQuote(Exception):
    """A quoted CSV field never closed (or closed in the middle of a field)."""

    def __init__(self, line: int, field: int, unclosed: bool) -> None:
        self.line, self.field, self.unclosed = line, field, unclosed


def parse_file(*, data: bytes, filename: str) -> list[ImportRow]:
    """Read and check the rows of a file without touching the database; raises ImportRefused."""
    table = _table(data, filename)
    header_line, columns = _header(table)
    rows: list[ImportRow] = []
    issues = _Issues()
    seen: dict[tuple, tuple[int, str]] = {}
    count = 0
    try:
        for line, cells in table:  # streamed: one record at a time, never the whole table
            if not any(_text(c) for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise file_error(_("Le fichier dépasse %(max)d lignes.") % {"max": MAX_ROWS})
            values = dict.fromkeys(OPTIONAL_COLUMNS, "")
            values.update((name, _cell(cells, i, name)) for name, i in columns.items())
            row = _parse_row(line, values, issues)
            if row is not None and not _duplicate(row, seen, issues):
                rows.append(row)
            if issues and rows:
                rows.clear()  # a refused file imports nothing: its good rows are not kept
    except _BadQuote as bad:
        issues.append(_quote_issue(bad, columns))
    if issues:
        raise ImportRefused(list(issues), total=issues.total)
    if not rows:
        raise file_error(
            _("Le fichier ne contient aucune ligne de candidat après l'en-tête (ligne %(line)d).")
            % {"line": header_line}
        )
    return rows


class _Issues(list):
    """The first MAX_ISSUES errors, and the count of all of them."""

    total = 0

    def append(self, issue: ImportIssue) -> None:
        self.total += 1
        if len(self) < MAX_ISSUES:
            super().append(issue)

    def extend(self, issues) -> None:
        for issue in issues:
            self.append(issue)


def _duplicate(row: ImportRow, seen: dict, issues: list[ImportIssue]) -> bool:
    """The same person twice in the file (same names, birth date and e-mail) is an error; the
    same names and birth date with another e-mail may be two people: left to the homonym step."""
    first = seen.setdefault((*row.person_key, row.email.lower()), (row.line, ""))[0]
    if first == row.line:
        return False
    issues.append(
        ImportIssue(
            row.line,
            "nom",
            _("%(person)s figure déjà ligne %(first)d du fichier.")
            % {"person": describe_person(row), "first": first},
        )
    )
    return True


def _quote_issue(bad: _BadQuote, columns: dict[str, int]) -> ImportIssue:
    names = {position: name for name, position in columns.items()}
    if bad.unclosed:
        message = _("guillemet ouvert jamais fermé (le reste du fichier y serait lu).")
    else:
        message = _('guillemet mal placé : un champ entre guillemets doit finir par « " ».')
    return ImportIssue(bad.line, names.get(bad.field, ""), message)


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
    # Many NULs among the first bytes mean UTF-16 or binary; a stray NUL is refused on its own
    # line and column by the cell checks.
    head = data[:1024]
    if data.startswith(b"PK\x03\x04") or head.count(b"\x00") > len(head) // 8:
        raise file_error(_("Ce fichier n'est pas un fichier CSV (texte) lisible."))
    encoding = _csv_encoding(data)
    # Decoded as it is read (the file is never held twice in memory as text).
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = stream.readline()
    stream.seek(0)
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return _csv_iter(stream, delimiter, lambda: data.decode(encoding))


def _csv_encoding(data: bytes, chunk: int = 1024 * 1024) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as French Excel saves it: checked chunk by
    chunk, without decoding the whole file at once."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), chunk):
                decoder.decode(data[start : start + chunk])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise file_error(_("Encodage du fichier CSV non reconnu : enregistrez-le en UTF-8."))


def _csv_iter(stream, delimiter: str, whole_text) -> Iterator[tuple[int, list]]:
    """Each record with the line it starts on (a quoted field may span several lines)."""
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            unclosed = "end of data" in str(exc)
            raise _BadQuote(start, _open_field(whole_text(), start, delimiter), unclosed) from exc
        yield start, cells
        start = reader.line_num + 1


def _open_field(text: str, line: int, delimiter: str) -> int:
    """The position of the field whose quote breaks the record starting on `line`: the one a
    quote opens and never closes, or the one where text follows a closing quote."""
    record = text.splitlines()[line - 1] if line <= text.count("\n") + 1 else ""
    field, start, quoted, closed = 0, True, False, False
    chars = iter(enumerate(record))
    for position, char in chars:
        if quoted:
            if char == '"' and record[position + 1 : position + 2] == '"':
                next(chars)  # "" is a quote inside the field
            elif char == '"':
                quoted, closed = False, True
        elif char == delimiter:
            field, start, closed = field + 1, True, False
        elif closed:
            return field  # `"Élise" Marie`: text after the closing quote
        else:
            quoted, start = char == '"' and start, False
    return field


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    if not data.startswith(b"PK\x03\x04"):
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible."))
    _check_expansion(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML (defusedxml) or openpyxl errors all mean "unreadable"
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    return _xlsx_iter(workbook)


def _check_expansion(data: bytes) -> None:
    """Refuse by the sizes the archive declares, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    expanded = sum(entry.file_size for entry in entries)
    shared = sum(e.file_size for e in entries if e.filename.lower().endswith("sharedstrings.xml"))
    for size, limit in ((expanded, MAX_XLSX_UNCOMPRESSED), (shared, MAX_XLSX_SHARED_STRINGS)):
        if size > limit or len(entries) > MAX_XLSX_ENTRIES:
            raise file_error(
                _(
                    "Classeur refusé : une fois décompressé il occuperait %(size)d Mo "
                    "(%(max)d Mo au plus). Enregistrez les candidats seuls, ou en CSV."
                )
                % {"size": size // (1024 * 1024), "max": limit // (1024 * 1024)}
            )


@dataclass(frozen=True, slots=True)
class Typed:
    """A workbook cell: its value and the number format that decides how a person sees it."""

    value: Any
    number_format: str = "General"


def _xlsx_iter(workbook) -> Iterator[tuple[int, list]]:
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(), start=1):
            yield line, [_typed(cell) for cell in cells]
    except Exception as exc:  # a corrupt sheet shows only while it is read
        raise file_error(_("Ce fichier n'est pas un classeur XLSX lisible.")) from exc
    finally:
        workbook.close()


def _typed(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Typed(value, getattr(cell, "number_format", None) or "General")
    return value


_ESCAPED_PREFIXES = ("=", "+", "-", "@")  # candidates.exports.FORMULA_PREFIXES, once stripped
_ZERO_FORMAT = re.compile(r'^(?:0|\\.|"[^"]*"|[ .\-/])+$')


def _number_text(value: int | float, number_format: str) -> str:
    """A number as the sheet shows it: zero-padding formats ("0000000000", "00 00 00 00 00")
    keep the leading zeros of phone numbers and codes typed as numbers."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not _ZERO_FORMAT.match(number_format):
        return str(value)
    pattern = re.sub(r'\\(.)|"([^"]*)"', lambda m: m.group(1) or m.group(2), number_format)
    digits = str(value).zfill(pattern.count("0"))
    extra, digits = digits[: len(digits) - pattern.count("0")], digits[-pattern.count("0") :]
    filled = iter(digits)
    return extra + "".join(next(filled) if char == "0" else char for char in pattern)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Typed):
        return _number_text(value.value, value.number_format).strip()
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell(cells: list, position: int, column: str) -> str:
    if position >= len(cells):
        return ""
    value = cells[position]
    text = _text(value)
    # The export quotes a cell a spreadsheet would compute ('+33 6…, '=…): read it as typed.
    if text[:1] == "'" and text[1:2] in _ESCAPED_PREFIXES:
        text = text[1:]
    # A French number typed into a number cell loses its leading 0 (0612345678 -> 612345678).
    if column == "telephone" and isinstance(value, Typed) and re.fullmatch(r"[1-9]\d{8}", text):
        text = "0" + text
    return text


def _header(table: Iterator[tuple[int, list]]) -> tuple[int, dict[str, int]]:
    try:
        for line, cells in table:
            names = [_text(c) for c in cells]
            if not any(names):
                continue
            return line, _header_columns(line, names)
    except _BadQuote as bad:
        raise ImportRefused([_quote_issue(bad, {})]) from None
    raise file_error(_("Le fichier est vide."))


def _header_columns(line: int, names: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, name in enumerate(names):
        key = normalize(name).replace(" ", "_").replace("-", "_")
        key = HEADER_ALIASES.get(key, key)
        if (key in COLUMNS or key in OPTIONAL_COLUMNS) and key not in columns:
            columns[key] = position
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise ImportRefused(
            [ImportIssue(line, name, _("colonne manquante dans l'en-tête.")) for name in missing]
        )
    return columns


# --- Checking one row --------------------------------------------------------------------------

# Each free-text column and the model field it is stored in: the limits are the column's own.
STORED_AS = {
    "nom": (Candidate, "last_name"),
    "prenom": (Candidate, "first_name"),
    "email": (Candidate, "email"),
    "telephone": (Candidate, "phone"),
    "entreprise": (Company, "name"),
}


def _parse_row(line: int, values: dict[str, str], issues: list[ImportIssue]) -> ImportRow | None:
    found: list[ImportIssue] = []

    def bad(column: str, message: str) -> None:
        found.append(ImportIssue(line, column, message))

    for column, value in values.items():  # control characters first: nothing else is safe then
        for message in text_problems(value):
            bad(column, message)
            values[column] = ""
    if found:
        issues.extend(found)
        return None
    for column, (model, name) in STORED_AS.items():
        for message in field_problems(model, name, values[column]):
            bad(column, message)
    for message in _tutor_email_problems(values["tuteur_email"]):
        bad("tuteur_email", message)
    civility = CIVILITIES.get(normalize(values["civilite"]))
    if civility is None:
        bad("civilite", _civility_message(values["civilite"]))
    last_name = _required(values["nom"], "nom", _("nom manquant."), bad)
    first_name = _required(values["prenom"], "prenom", _("prénom manquant."), bad)
    birth_date = _birth_date(values["date_naissance"], bad)
    company_name, siret = _company(values["entreprise"], values["siret"], bad)
    pathway = PATHWAYS.get(normalize(values["parcours"]))
    if pathway is None:
        bad("parcours", _pathway_message(values["parcours"]))
    identity = _identity(values, civility, bad)
    access = _access(values, pathway, bad)
    if found:
        issues.extend(found)
        return None
    return ImportRow(
        line=line,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        email=values["email"],
        phone=values["telephone"],
        company_name=company_name,
        siret=siret,
        pathway=pathway,
        tutor_email=values["tuteur_email"].lower(),
        identity=identity,
        **access,
    )


def _identity(values: dict[str, str], civility: str | None, bad) -> dict[str, str]:
    """The optional identity columns, checked by the Candidate fields' own rules."""
    identity: dict[str, str] = {}
    for column, name in IDENTITY_COLUMNS.items():
        value = values[column].upper() if column in _UPPER_COLUMNS else values[column]
        for message in field_problems(Candidate, name, value):
            bad(column, message)
        if value:
            identity[name] = value
    if values["code_pays_naissance"] or values["pays_naissance"]:
        # A country given in one column only: the other is not France.
        identity.setdefault("birth_country_code", "")
        identity.setdefault("birth_country_label", "")
    raw_sex = values["sexe"]
    if raw_sex:
        sex = SEXES.get(normalize(raw_sex))
        if sex is None:
            bad("sexe", _("sexe « %(value)s » inconnu : M ou F attendu.") % {"value": raw_sex[:20]})
        else:
            identity["sex"] = sex
    return identity


def _access(values: dict[str, str], pathway: str | None, bad) -> dict[str, str]:
    read = {}
    for column, name, known in (
        ("modalite_acces", "access_mode", ACCESS_MODES),
        ("voie_vae", "vae_way", VAE_WAYS),
        ("initiative_inscription", "registration_initiative", INITIATIVES),
    ):
        raw = values[column]
        read[name] = known.get(normalize(raw), "") if raw else ""
        if raw and not read[name]:
            accepted = ", ".join(sorted(set(known.values())))
            bad(column, _("« %(value)s » inconnu : %(accepted)s.")
                % {"value": raw[:60], "accepted": accepted})  # fmt: skip
    mode = read["access_mode"] or ACCESS_MODE_OF_PATHWAY.get(pathway or "", "")
    if read["vae_way"] and mode != AccessMode.VAE:
        bad("voie_vae", _("une voie d'accès à la VAE ne vaut que pour la modalité VAE."))
    return read


@lru_cache(maxsize=1024)
def _tutor_email_problems(value: str) -> tuple[str, ...]:
    # A file names a few tutors many times: each address is checked once.
    return tuple(field_problems(get_user_model(), "email", value))


def _civility_message(value: str) -> str:
    if not value:
        return _("civilité manquante (M. ou Mme).")
    return _("civilité « %(value)s » inconnue : M., Monsieur, Mme ou Madame attendu.") % {
        "value": value[:40]
    }


def _pathway_message(value: str) -> str:
    labels = ", ".join(str(label).lower() for label in Pathway.labels)
    if not value:
        return _("parcours manquant (%(labels)s).") % {"labels": labels}
    return _("parcours « %(value)s » inconnu : %(labels)s.") % {
        "value": value[:60],
        "labels": labels,
    }


def _required(value: str, column: str, missing: str, bad) -> str:
    if not value:
        bad(column, missing)
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
            _("date « %(value)s » invalide : format JJ/MM/AAAA attendu.") % {"value": value[:40]},
        )
        return None
    if not datetime.date(1900, 1, 1) <= date <= timezone.localdate():
        bad(
            "date_naissance",
            _("date de naissance « %(value)s » invraisemblable.") % {"value": value},
        )
        return None
    return date


def _company(name: str, raw_siret: str, bad) -> tuple[str, str]:
    siret = normalize_siret(raw_siret)
    if name and not siret:
        bad("siret", _("SIRET manquant pour l'entreprise « %(name)s ».") % {"name": name[:80]})
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
