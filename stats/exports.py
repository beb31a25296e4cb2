"""CSV and XLSX downloads of one statistics table, exactly as the page shows it (« < 5 » in
suppressed cells), safe to open in a spreadsheet (formula-looking text neutralised)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from candidates.exports import XLSX_TYPE, escape_cell

from .report import Table


def _lines(table: Table) -> list[list]:
    return [list(table.columns), *table.rows]


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for line in _lines(table):
        writer.writerow([escape_cell(str(value)) for value in line])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.key[:31])
    for line in _lines(table):
        sheet.append([v if isinstance(v, int) else escape_cell(str(v)) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
