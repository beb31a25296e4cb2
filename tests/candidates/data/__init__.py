"""Import test data: sample files here, and rows of the documented format as CSV or XLSX."""

import io
from pathlib import Path

import openpyxl

from tests.factories.candidates import luhn_siret

DATA = Path(__file__).parent
HEADER = [
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
]
SIRET = "73282932000074"


def good_row(i: int = 0, **overrides: str) -> dict[str, str]:
    """A valid row; `i` makes the person (and the company) distinct."""
    row = {
        "civilite": "Mme" if i % 2 else "M.",
        "nom": f"Durand{i}",
        "prenom": "Élise",
        "date_naissance": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1960 + i % 40}",
        "email": f"elise{i}@exemple.fr",
        "telephone": "06 12 34 56 78",
        "entreprise": f"Métallerie {i % 50}",
        "siret": luhn_siret(f"9{i % 50:012d}"),
        "parcours": "Formation continue",
        "tuteur_email": "",
    }
    row.update(overrides)
    return row


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    sep: str = ";",
    bom: bool = True,
    encoding: str = "utf-8",
    header: list[str] = HEADER,
) -> bytes:
    lines = [sep.join(header)] + [sep.join(row.get(col, "") for col in header) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    prefix = "\ufeff" if bom and encoding == "utf-8" else ""
    return (prefix + text).encode(encoding)


def xlsx_bytes(rows: list[list], *, header: list[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
