"""CSV and XLSX exports of the filtered list: every filtered row, formulas escaped."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from candidates.exports import escape_cell
from tests.factories.candidates import CompanyFactory, RegistrationFactory, bulk_registrations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Dupont", "Dupont"),
        ("", ""),
        (None, None),
    ],
)
def test_it_escapes_cells_a_spreadsheet_would_compute(value, expected):
    assert escape_cell(value) == expected


@pytest.fixture
def listed(campaign_a):
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name='=HYPERLINK("http://x")',
        candidate__first_name="@Eve",
        company=CompanyFactory(name="+Évasion"),
        pathway="vae",
    )
    bulk_registrations(campaign_a, 60, pathway="vae")
    bulk_registrations(campaign_a, 5, start=60, pathway="apprenticeship")
    return campaign_a


def _export(client, campaign, fmt, **params):
    url = reverse("candidates:registration_export", args=[campaign.pk, fmt])
    return client.get(url, params)


def test_the_csv_is_french_excel_ready_and_escaped(client_for, staff_a, listed):
    response = _export(client_for(staff_a), listed, "csv", pathway="vae")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="candidats-session-printemps-a.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("civilite;nom;prenom;date_naissance")  # the import's header
    assert len(lines) == 1 + 61  # all filtered rows, not one page of 50
    hostile = next(line for line in lines if "HYPERLINK" in line)
    assert hostile.startswith('Mme;"\'=HYPERLINK(""http://x"")";\'@Eve;')
    assert ";'+Évasion;" in hostile
    assert "VAE" in hostile


def test_the_xlsx_is_readable_and_escaped(client_for, staff_a, listed):
    response = _export(client_for(staff_a), listed, "xlsx", pathway="apprenticeship")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("civilite", "nom", "prenom")
    assert [row[1] for row in rows[1:]] == [f"Nom{n:05d}" for n in range(60, 65)]
    assert rows[1][8] == "Apprentissage"


def test_the_xlsx_escapes_formulas(client_for, staff_a, listed):
    response = _export(client_for(staff_a), listed, "xlsx", q="Eve")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][6] == "'+Évasion"


def test_an_unknown_format_is_a_404(client_for, staff_a, campaign_a):
    url = reverse("candidates:registration_export", args=[campaign_a.pk, "pdf"])
    assert client_for(staff_a).get(url).status_code == 404
