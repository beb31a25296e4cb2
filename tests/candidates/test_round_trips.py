"""Round trips: the candidates export is an import file, and the import page's templates import
as they are."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from candidates.importing import COLUMNS, registrations_import
from candidates.importing.reading import parse_file
from candidates.importing.template import ALL_COLUMNS
from candidates.models import Campaign, Candidate, Registration
from tests.factories.accounts import UserFactory
from tests.factories.candidates import CampaignFactory, CompanyFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _people(campaign) -> set[tuple]:
    return set(
        Registration.objects.filter(campaign=campaign).values_list(
            "candidate__civility",
            "candidate__last_name",
            "candidate__first_name",
            "candidate__birth_date",
            "candidate__email",
            "candidate__phone",
            "company__siret",
            "company__name",
            "pathway",
            "tutor__email",
        )
    )


@pytest.fixture
def exported(campaign_a):
    tutor = UserFactory(email="tuteur.rt@exemple.fr")
    company = CompanyFactory(name="Forges de l'Ouest")
    RegistrationFactory(
        campaign=campaign_a,
        candidate__civility=Candidate.Civility.MONSIEUR,
        candidate__last_name="Le Gall",
        candidate__first_name="Yann-Éric",
        candidate__phone="+33 6 12 34 56 78",  # escaped by the export: read back as typed
        candidate__email="yann.legall@exemple.fr",
        company=company,
        pathway="vae",
        tutor=tutor,
    )
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Hélie",
        candidate__first_name="Océane",
        candidate__phone="0601020304",
        company=None,
        pathway="apprenticeship",
    )
    RegistrationFactory(campaign=campaign_a, company=company, pathway="job_seeker")
    return campaign_a


def _target(campaign_a):
    return CampaignFactory(
        centre=campaign_a.centre,
        referential=campaign_a.referential,
        name="Campagne d'automne",
        status=Campaign.Status.OPEN,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_another_campaign_with_the_same_people(
    client_for, staff_a, exported, fmt
):
    url = reverse("candidates:registration_export", args=[exported.pk, fmt])
    response = client_for(staff_a).get(url)
    rows = parse_file(data=response.content, filename=f"export.{fmt}")
    assert {row.phone for row in rows} == set(
        Candidate.objects.values_list("phone", flat=True)
    )  # "+33…", escaped by the export, reads back as typed
    target = _target(exported)
    report = registrations_import(
        campaign=target, file=response.content, filename=f"export.{fmt}", by=staff_a
    )
    assert report.count == 3
    assert _people(target) == _people(exported)
    assert Candidate.objects.count() == 3  # the same people, not copies


def test_the_export_header_is_the_imports(client_for, staff_a, exported):
    url = reverse("candidates:registration_export", args=[exported.pk, "csv"])
    first = client_for(staff_a).get(url).content.decode("utf-8-sig").splitlines()[0]
    assert first.split(";")[: len(COLUMNS)] == list(COLUMNS)


def _template(client, campaign, fmt):
    response = client.get(reverse("candidates:import_template", args=[campaign.pk, fmt]))
    assert response.status_code == 200
    assert f"modele-import-candidats.{fmt}" in response["Content-Disposition"]
    return response.content


def test_the_csv_template_is_the_header_and_one_example_row(client_for, staff_a, campaign_a):
    lines = _template(client_for(staff_a), campaign_a, "csv").decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(ALL_COLUMNS)
    assert len(lines) == 2
    assert lines[1].startswith("Mme;Martin;Hélène;12/04/1990;")


def test_the_xlsx_template_explains_the_accepted_values(client_for, staff_a, campaign_a):
    workbook = load_workbook(io.BytesIO(_template(client_for(staff_a), campaign_a, "xlsx")))
    first, help_sheet = workbook.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert list(rows[0]) == list(ALL_COLUMNS) and len(rows) == 2
    assert rows[1][7] == "73282932000074" and rows[1][5] == "0601020304"
    words = " ".join(str(c) for row in help_sheet.iter_rows(values_only=True) for c in row if c)
    for accepted in ("Monsieur", "Madame", "Formation continue", "VAE", "Apprentissage", "INSEE"):
        assert accepted in words
    for stage in ("Inscrit", "Admissible", "Désinscrit"):
        assert stage in words  # the export's stages, ignored on import


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_template_imports_cleanly_with_its_example_row(client_for, staff_a, campaign_a, fmt):
    client = client_for(staff_a)
    data = _template(client, campaign_a, fmt)
    upload = SimpleUploadedFile(f"modele.{fmt}", data)
    response = client.post(
        reverse("candidates:import_upload", args=[campaign_a.pk]), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert (
        "Hélène" in response.content.decode() and "Fichier refusé" not in response.content.decode()
    )
    token = response.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("candidates:import_confirm", args=[campaign_a.pk, token]))
    person = Registration.objects.get(campaign=campaign_a, candidate__first_name="Hélène")
    assert person.candidate.birth_date.isoformat() == "1990-04-12"
    assert person.company.siret == "73282932000074" and person.candidate.phone == "0601020304"


def test_the_import_page_links_both_templates(client_for, staff_a, campaign_a):
    body = client_for(staff_a).get(reverse("candidates:import_upload", args=[campaign_a.pk]))
    html = body.content.decode()
    for fmt in ("csv", "xlsx"):
        assert reverse("candidates:import_template", args=[campaign_a.pk, fmt]) in html
    assert "Demandeur d&#x27;emploi" in html or "Demandeur d'emploi" in html


def test_an_unknown_template_format_is_a_404(client_for, staff_a, staff_b, campaign_a):
    url = reverse("candidates:import_template", args=[campaign_a.pk, "pdf"])
    assert client_for(staff_a).get(url).status_code == 404
    url = reverse("candidates:import_template", args=[campaign_a.pk, "csv"])
    assert client_for(staff_b).get(url).status_code == 404
