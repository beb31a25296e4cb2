"""The corpus of bad candidate files: each refused whole with its French, located message,
through the page and through the command, leaving nothing written and no file behind — on
SQLite and on PostgreSQL alike (run this file with DATABASE_URL to check the second).

A value the preview accepts must import: the last tests fill every column to its limit and
import it, since PostgreSQL (unlike SQLite) would refuse anything longer at the INSERT.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from candidates.importing import ImportRefused, registrations_import
from candidates.importing import reading as import_reading
from candidates.models import Candidate, Company, Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import HEADER, csv_bytes, good_row, xlsx_bytes
from tests.factories.candidates import CampaignFactory


def _quoted_multiline() -> bytes:
    """A company name quoted over two lines (lines 2-3), then a bad date on line 4."""
    text = (
        ";".join(HEADER) + "\r\n"
        + ";".join(good_row(1).values()).replace("Métallerie 1", '"Métallerie\r\ndu Rhône"')
        + "\r\n" + ";".join(good_row(2, date_naissance="32/01/1990").values()) + "\r\n"
    )  # fmt: skip
    return text.encode("utf-8")


def _unclosed_quote() -> bytes:
    rows = csv_bytes([good_row(1), good_row(2)]).decode("utf-8")
    return (rows + 'Mme;"Durand3;Élise;01/01/1990\r\n' + rows.split("\r\n")[1]).encode()


def _shared_strings_bomb(megabytes: int = 300) -> bytes:
    """A few hundred KB that claim 300 MB once unzipped (the declared sizes are read)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as target:
            chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _i in range(megabytes * 1000):
                target.write(chunk)
    return buffer.getvalue()


# name: (file name, content, the message the page and the command must both show)
CORPUS = {
    "email_too_long": (
        "inscrits.csv",
        csv_bytes([good_row(1, email="a" * 250 + "@exemple.fr")]),
        "Ligne 2, colonne « email » : 254 caractères au plus (261 reçus).",
    ),
    "nul_character": (
        "inscrits.csv",
        csv_bytes([good_row(1), good_row(2, nom="Dur\x00and")]),
        "Ligne 3, colonne « nom » : caractère de contrôle interdit (code 0, position 4).",
    ),
    "control_character": (
        "inscrits.csv",
        csv_bytes([good_row(1, prenom="Él\x07ise")]),
        "Ligne 2, colonne « prenom » : caractère de contrôle interdit (code 7, position 3).",
    ),
    "name_too_long": (
        "inscrits.csv",
        csv_bytes([good_row(1, nom="D" * 61)]),
        "Ligne 2, colonne « nom » : 60 caractères au plus (61 reçus).",
    ),
    "phone_too_long": (
        "inscrits.csv",
        csv_bytes([good_row(1, telephone="0" * 33)]),
        "Ligne 2, colonne « telephone » : 32 caractères au plus (33 reçus).",
    ),
    "company_too_long": (
        "inscrits.csv",
        csv_bytes([good_row(1, entreprise="M" * 201)]),
        "Ligne 2, colonne « entreprise » : 200 caractères au plus (201 reçus).",
    ),
    "tutor_email_too_long": (
        "inscrits.csv",
        csv_bytes([good_row(1, tuteur_email="t" * 250 + "@exemple.fr")]),
        "Ligne 2, colonne « tuteur_email » : 254 caractères au plus (261 reçus).",
    ),
    "year_out_of_range": (
        "inscrits.csv",
        csv_bytes([good_row(1, date_naissance="01/01/99999")]),
        "Ligne 2, colonne « date_naissance » : date « 01/01/99999 » invalide",
    ),
    "line_after_a_multiline_field": (
        "inscrits.csv",
        _quoted_multiline(),
        "Ligne 4, colonne « date_naissance » : date « 32/01/1990 » invalide",
    ),
    "unclosed_quote": (
        "inscrits.csv",
        _unclosed_quote(),
        "Ligne 4, colonne « nom » : guillemet ouvert jamais fermé",
    ),
    "misplaced_quote": (
        "inscrits.csv",
        csv_bytes([good_row(1), good_row(2, prenom='"Élise" Marie')]),
        "Ligne 3, colonne « prenom » : guillemet mal placé",
    ),
    "windows_1252_bad_row": (
        "inscrits.csv",
        csv_bytes([good_row(1, parcours="Stage d'été")], encoding="cp1252"),
        "Ligne 2, colonne « parcours » : parcours « Stage d'été » inconnu",
    ),
    "utf16": (
        "inscrits.csv",
        csv_bytes([good_row(1)], bom=False).decode().encode("utf-16"),
        "Ce fichier n'est pas un fichier CSV (texte) lisible.",
    ),
    "xlsx_email_too_long": (
        "inscrits.xlsx",
        xlsx_bytes([list(good_row(1, email="b" * 250 + "@exemple.fr").values())]),
        "Ligne 2, colonne « email » : 254 caractères au plus (261 reçus).",
    ),
    "xlsx_tab_in_a_name": (  # XML allows a tab (not NUL): one-line columns do not
        "inscrits.xlsx",
        xlsx_bytes([list(good_row(1, nom="Dur\tand").values())]),
        "Ligne 2, colonne « nom » : caractère de contrôle interdit (code 9, position 4).",
    ),
    "xlsx_shared_strings_bomb": (
        "inscrits.xlsx",
        _shared_strings_bomb(),
        "Classeur refusé : une fois décompressé il occuperait 290 Mo (120 Mo au plus).",
    ),
    "xlsx_shared_strings_over_their_limit": (
        "inscrits.xlsx",
        _shared_strings_bomb(50),
        "Classeur refusé : une fois décompressé il occuperait 48 Mo (40 Mo au plus).",
    ),
    "xlsx_that_is_a_csv": (
        "inscrits.xlsx",
        csv_bytes([good_row(1)]),
        "Ce fichier n'est pas un classeur XLSX lisible.",
    ),
}


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne du corpus")


def _counts():
    return tuple(
        model.objects.count() for model in (Candidate, Company, Registration, User, AuditEntry)
    )


def _stored(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_page_refuses_each_bad_file_with_its_message(
    case, client_for, staff_a, campaign, settings
):
    name, content, message = CORPUS[case]
    client = client_for(staff_a)
    before = _counts()
    upload = client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert upload.status_code == 302
    page = client.get(upload["Location"])
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "Fichier refusé" in html
    located = re.match(r"^Ligne (\d+), colonne « (\w+) » : (.*)$", message)
    if located is None:
        assert message in html
    else:  # the page's table: line, column, message in their cells
        line, column, text = located.groups()
        assert f"<td>{line}</td>\n      <td>{column}</td>\n      <td>{text}" in html
    assert _counts() == before
    assert _stored(settings) == []  # the refused file is not kept


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_command_refuses_each_bad_file_with_its_message(case, campaign, tmp_path):
    name, content, message = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(content)
    before = _counts()
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_candidates", str(path), campaign=campaign.pk, stderr=stderr)
    assert message in stderr.getvalue()
    assert _counts() == before


def test_a_file_over_the_row_limit_is_refused(campaign, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_ROWS", 3)
    data = csv_bytes([good_row(i) for i in range(4)])
    with pytest.raises(ImportRefused) as caught:
        registrations_import(campaign=campaign, file=data, filename="x.csv", by=None)
    assert str(caught.value.issues[0]) == "Le fichier dépasse 3 lignes."


def test_a_file_of_bad_rows_counts_every_error_and_keeps_only_the_first(campaign, monkeypatch):
    # Two errors per row: the row limit counts lines, not lines plus errors.
    monkeypatch.setattr(import_reading, "MAX_ROWS", 4)
    monkeypatch.setattr(import_reading, "MAX_ISSUES", 3)
    rows = [good_row(i, civilite="Dr", parcours="Stage") for i in range(4)]
    with pytest.raises(ImportRefused) as caught:
        registrations_import(campaign=campaign, file=csv_bytes(rows), filename="x.csv", by=None)
    refusal = caught.value
    assert refusal.message == (
        "Fichier refusé : 8 erreurs (les 3 premières sont listées), rien n'a été importé."
    )
    assert [(issue.line, issue.column) for issue in refusal.issues] == [
        (2, "civilite"),
        (2, "parcours"),
        (3, "civilite"),
    ]
    assert refusal.total == 8


def test_values_at_every_limit_preview_as_valid_and_import(client_for, staff_a, campaign):
    """What the preview calls valid imports, on either database: each column at its limit."""
    row = good_row(
        1,
        nom="N" * 60,
        prenom="P" * 60,
        email="e" * 243 + "@exemple.fr",
        telephone="0" * 32,
        entreprise="E" * 200,
        tuteur_email="t" * 243 + "@exemple.fr",
    )
    client = client_for(staff_a)
    upload = client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile("limites.csv", csv_bytes([row]))},
    )
    preview = client.get(upload["Location"])
    assert "est valide : 1 candidat à inscrire" in preview.content.decode()
    confirm = client.post(upload["Location"] + "confirmer/")
    assert confirm.status_code == 302
    candidate = Registration.objects.get(campaign=campaign).candidate
    assert (len(candidate.last_name), len(candidate.email), len(candidate.phone)) == (60, 254, 32)


def test_an_xlsx_reads_numbers_as_a_person_sees_them(campaign):
    """A telephone typed as a number keeps its leading 0; zero-padding formats are honoured."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([*list(good_row(1).values())[:5], 612345678, *list(good_row(1).values())[6:]])
    sheet.append([*list(good_row(2).values())[:5], 612345679, *list(good_row(2).values())[6:]])
    sheet["F3"].number_format = "00 00 00 00 00"
    buffer = io.BytesIO()
    workbook.save(buffer)

    registrations_import(campaign=campaign, file=buffer.getvalue(), filename="t.xlsx", by=None)

    phones = sorted(Candidate.objects.values_list("phone", flat=True))
    assert phones == ["06 12 34 56 79", "0612345678"]
