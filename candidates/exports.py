"""CSV and XLSX exports of a filtered candidate list, safe to open in a spreadsheet.

Cells starting with = + - @ (or a tab / carriage return) are prefixed with a single quote so that
a spreadsheet never runs them as formulas. The CSV is `;`-separated UTF-8 with a BOM, which
French Excel opens correctly with a double click.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .importing.reading import COLUMNS, IDENTITY_COLUMNS, OPTIONAL_COLUMNS
from .models import AccessMode, Registration, RegistrationInitiative, VaeWay, choice_label

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# The export is an import file: the import's own header (candidates.importing.COLUMNS), in its
# order, then two columns the import ignores. Export a campaign, import it into another one:
# the same people, companies, pathways and tutors.
EXTRA_COLUMNS = ("date_inscription", "etape")


def header() -> list[str]:
    return [*COLUMNS, *OPTIONAL_COLUMNS, *EXTRA_COLUMNS]


def _identity(candidate, reg) -> list:
    """The optional columns of the deposit's identity, in OPTIONAL_COLUMNS' order."""
    identity = {**IDENTITY_COLUMNS, "sexe": "sex"}
    return [
        *(getattr(candidate, identity[column]) for column in OPTIONAL_COLUMNS[:10]),
        choice_label(AccessMode, reg.access_mode) if reg.access_mode else "",
        choice_label(VaeWay, reg.vae_way) if reg.vae_way else "",
        choice_label(RegistrationInitiative, reg.registration_initiative)
        if reg.registration_initiative
        else "",
    ]


def rows(registrations: QuerySet[Registration]) -> Iterator[list]:
    """One list per registration, dates as date objects, every text cell escaped."""
    for reg in registrations.iterator(chunk_size=2000):
        candidate, company = reg.candidate, reg.company
        values = [
            candidate.civility,
            candidate.last_name,
            candidate.first_name,
            candidate.birth_date,
            candidate.email,
            candidate.phone,
            company.name if company else "",
            company.siret if company else "",
            reg.pathway_label,
            reg.tutor.email if reg.tutor_id else "",
            *_identity(candidate, reg),
            reg.registered_on,
            reg.stage_label,
        ]
        yield [escape_cell(value) for value in values]


def csv_response(registrations: QuerySet[Registration], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header())
    writer.writerows(_dates_as_text(rows(registrations)))
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(registrations: QuerySet[Registration], filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Candidats"))
    sheet.append(header())
    for row in rows(registrations):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


def _dates_as_text(lines: Iterable[list]) -> Iterator[list]:
    for line in lines:
        yield [f"{v:%d/%m/%Y}" if isinstance(v, datetime.date) else v for v in line]
