"""Bulk import of registrations: formats, every refusal with its line and column, all or nothing."""

import datetime
import zipfile
from io import BytesIO

import pytest

from accounts.models import User
from candidates.importing import ImportRefused, registrations_import
from candidates.models import Campaign, Candidate, Company, Pathway, Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from tests.candidates.data import DATA, HEADER, SIRET, csv_bytes, good_row, xlsx_bytes
from tests.factories.candidates import (
    CampaignFactory,
    CandidateFactory,
    CompanyFactory,
    RegistrationFactory,
)


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne printemps")


def _import(campaign, data, filename="inscrits.csv", by=None, **kwargs):
    return registrations_import(
        campaign=campaign, file=BytesIO(data), filename=filename, by=by, **kwargs
    )


def _counts():
    return (
        Candidate.objects.count(),
        Company.objects.count(),
        Registration.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )


def _refusal(campaign, data, filename="inscrits.csv"):
    before = _counts()
    with pytest.raises(ImportRefused) as excinfo:
        _import(campaign, data, filename)
    assert _counts() == before, "a refused file must write nothing"
    return excinfo.value


def _located(refusal):
    return {(issue.line, issue.column): issue.message for issue in refusal.issues}


# --- Formats -----------------------------------------------------------------------------------


def test_it_imports_a_csv_with_bom_and_semicolons(campaign, staff_a, tutor):
    data = (DATA / "import_bom_semicolon.csv").read_bytes()
    report = _import(campaign, data, "export excel.csv", by=staff_a)

    assert report.count == 3
    registrations = Registration.objects.filter(campaign=campaign).select_related(
        "candidate", "company", "tutor"
    )
    by_name = {r.candidate.last_name: r for r in registrations}
    assert set(by_name) == {"Lefèvre", "N’Diaye", "Garçon"}
    helene = by_name["Lefèvre"]
    assert helene.candidate.first_name == "Hélène"
    assert helene.candidate.civility == Candidate.Civility.MADAME
    assert helene.candidate.birth_date == datetime.date(1988, 3, 14)
    assert helene.company.siret == SIRET
    assert helene.company.name == "Métallerie Rhône-Alpes"
    assert helene.tutor == tutor
    assert helene.pathway == Pathway.CONTINUING
    assert by_name["N’Diaye"].pathway == Pathway.PROFESSIONALISATION
    assert by_name["N’Diaye"].company == helene.company  # one company per SIRET
    assert by_name["Garçon"].candidate.civility == Candidate.Civility.MONSIEUR
    assert by_name["Garçon"].pathway == Pathway.JOB_SEEKER
    assert by_name["Garçon"].company is None
    assert Company.objects.count() == 1


def test_it_imports_a_csv_with_commas_and_no_bom(campaign):
    rows = [good_row(i) for i in range(5)]
    report = _import(campaign, csv_bytes(rows, sep=",", bom=False))
    assert report.count == 5
    assert Registration.objects.filter(campaign=campaign).count() == 5


def test_it_reads_a_windows_1252_csv_as_french_excel_writes_it(campaign):
    rows = [
        good_row(1, nom="Bérénice", prenom="Éloïse", entreprise="Forges Générales"),
        good_row(2, nom="Müller", prenom="Maëlle", parcours="Apprentissage"),
    ]
    data = csv_bytes(rows, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    _import(campaign, data)

    names = set(Candidate.objects.values_list("last_name", "first_name"))
    assert names == {("Bérénice", "Éloïse"), ("Müller", "Maëlle")}
    assert Company.objects.filter(name="Forges Générales").exists()


def test_it_imports_an_xlsx_with_typed_cells(campaign):
    data = xlsx_bytes(
        [
            # Excel keeps dates as dates and SIRETs as numbers: both are read back as text.
            ["Madame", "Perrin", "Lucie", datetime.datetime(1990, 5, 17), "", "", "Acme",
             int(SIRET), "VAE", ""],
            ["M", "Roux", "Paul", "03/04/1985", "paul@exemple.fr", None, None, None, "autre", None],
        ]
    )  # fmt: skip
    report = _import(campaign, data, "inscrits.xlsx")

    assert report.count == 2
    lucie = Registration.objects.select_related("candidate", "company").get(
        candidate__last_name="Perrin"
    )
    assert lucie.candidate.birth_date == datetime.date(1990, 5, 17)
    assert lucie.company.siret == SIRET
    assert lucie.pathway == Pathway.VAE
    assert Registration.objects.get(candidate__last_name="Roux").pathway == Pathway.OTHER


@pytest.mark.parametrize(
    "value, expected",
    [
        ("M", "M."),
        ("M.", "M."),
        ("monsieur", "M."),
        ("Mme", "Mme"),
        ("MADAME", "Mme"),
    ],
)
def test_it_accepts_every_spelling_of_civility(campaign, value, expected):
    _import(campaign, csv_bytes([good_row(civilite=value)]))
    assert Candidate.objects.get().civility == expected


@pytest.mark.parametrize(
    "label, pathway",
    [
        ("formation continue", Pathway.CONTINUING),
        ("VAE", Pathway.VAE),
        ("Contrat de professionnalisation", Pathway.PROFESSIONALISATION),
        ("APPRENTISSAGE", Pathway.APPRENTICESHIP),
        ("Demandeur d'emploi", Pathway.JOB_SEEKER),
        ("demandeur d’EMPLOI", Pathway.JOB_SEEKER),
        ("Autre", Pathway.OTHER),
    ],
)
def test_it_accepts_pathway_labels_without_case_or_accents(campaign, label, pathway):
    _import(campaign, csv_bytes([good_row(parcours=label)]))
    assert Registration.objects.get().pathway == pathway


def test_it_reads_headers_in_any_order_case_and_accents(campaign):
    header = ["Nom", "Prénom", "CIVILITÉ", "Date de naissance", "E-mail", "Téléphone",
              "Entreprise", "SIRET", "Parcours", "Tuteur_email", "Commentaire"]  # fmt: skip
    row = good_row(3)
    keys = ["nom", "prenom", "civilite", "date_naissance", "email", "telephone", "entreprise",
            "siret", "parcours", "tuteur_email"]  # fmt: skip
    values = [row[k] for k in keys] + ["ignoré"]
    data = ("\ufeff" + ";".join(header) + "\n" + ";".join(values) + "\n").encode()
    _import(campaign, data)
    assert Candidate.objects.get().last_name == "Durand3"


# --- What the import writes -------------------------------------------------------------------


def test_it_reuses_known_people_companies_and_tutors(campaign, tutor):
    known_company = CompanyFactory(name="Nom officiel", siret=SIRET)
    known = CandidateFactory(
        last_name="Lefèvre", first_name="Hélène", birth_date=datetime.date(1988, 3, 14),
        email="helene@exemple.fr",
    )  # fmt: skip
    RegistrationFactory(candidate=known)  # in another campaign
    row = good_row(
        nom="LEFEVRE", prenom="helene", date_naissance="14/03/1988", siret=SIRET,
        entreprise="Autre nom", tuteur_email="TUTEUR@exemple.fr", email="Helene@Exemple.fr",
        telephone=known.phone,
    )  # fmt: skip

    report = _import(campaign, csv_bytes([row]))

    assert (report.new_candidates, report.new_companies, report.new_tutors) == (0, 0, [])
    registration = Registration.objects.get(campaign=campaign)
    assert registration.candidate == known
    assert registration.company == known_company
    assert Company.objects.get(pk=known_company.pk).name == "Nom officiel"
    assert registration.tutor == tutor


def test_it_creates_unknown_tutors_without_password(campaign):
    rows = [good_row(1, tuteur_email="nouveau.tuteur@exemple.fr"),
            good_row(2, tuteur_email="Nouveau.Tuteur@exemple.fr")]  # fmt: skip
    report = _import(campaign, csv_bytes(rows))

    assert report.new_tutors == ["nouveau.tuteur@exemple.fr"]
    created = User.objects.get(email="nouveau.tuteur@exemple.fr")
    assert not created.has_usable_password()
    assert Registration.objects.filter(tutor=created).count() == 2
    assert AuditEntry.objects.filter(
        action="cqpm.account.created", object_id=str(created.pk)
    ).exists()


def test_it_writes_an_audit_entry_per_registration_and_one_for_the_file(campaign, staff_a):
    report = _import(campaign, csv_bytes([good_row(i) for i in range(3)]), by=staff_a)

    for registration in report.registrations:
        entry = AuditEntry.objects.get(registration_id=registration.pk)
        assert entry.action == "cqpm.registration.imported"
        assert entry.actor == staff_a
        assert entry.centre_id == campaign.centre_id
        assert entry.data["source"] == "inscrits.csv"
    file_entry = AuditEntry.objects.get(action="cqpm.campaign.registrations.imported")
    assert file_entry.object_id == str(campaign.pk)
    assert file_entry.data["registrations"] == 3
    assert file_entry.data["file"] == "inscrits.csv"


def test_a_dry_run_checks_everything_and_writes_nothing(campaign):
    before = _counts()
    report = _import(campaign, csv_bytes([good_row(i) for i in range(4)]), dry_run=True)
    assert (report.count, report.new_candidates, report.dry_run) == (4, 4, True)
    assert _counts() == before


# --- Refusals: every error, located, nothing written ------------------------------------------


def test_it_lists_every_bad_row_with_its_line_and_column(campaign):
    rows = [
        good_row(0),  # line 2: fine
        good_row(1, date_naissance="31/02/1990"),  # line 3
        good_row(2, siret="73282932000075"),  # line 4: wrong Luhn key
        good_row(3, parcours="Stage d'été"),  # line 5
        good_row(4, nom=""),  # line 6
        good_row(5, email="pas-une-adresse"),  # line 7
        good_row(0, prenom="ÉLISE"),  # line 8: same person (and e-mail) as line 2
        good_row(6, civilite="Dr", siret="123", tuteur_email="x@"),  # line 9: three errors
        good_row(7, date_naissance="1990-01-01"),  # line 10
        good_row(8, entreprise="Sans Siret SA", siret=""),  # line 11
    ]
    refusal = _refusal(campaign, csv_bytes(rows))

    located = _located(refusal)
    assert "31/02/1990" in located[(3, "date_naissance")]
    assert "clé de contrôle" in located[(4, "siret")]
    assert "Stage d'été" in located[(5, "parcours")]
    assert located[(6, "nom")] == "nom manquant."
    assert "pas-une-adresse" in located[(7, "email")]
    assert "figure déjà ligne 2" in located[(8, "nom")]
    assert "Dr" in located[(9, "civilite")]
    assert "14 chiffres" in located[(9, "siret")]
    assert "invalide" in located[(9, "tuteur_email")]
    assert "JJ/MM/AAAA" in located[(10, "date_naissance")]
    assert "SIRET manquant" in located[(11, "siret")]
    assert len(refusal.issues) == 11
    assert "11 erreurs" in refusal.message
    assert str(refusal.issues[0]).startswith("Ligne 3, colonne « date_naissance » : ")


def test_it_refuses_people_already_registered_in_the_campaign(campaign):
    already = RegistrationFactory(
        campaign=campaign,
        candidate=CandidateFactory(
            last_name="Dupont", first_name="Anne", birth_date=datetime.date(1980, 1, 2),
            email="anne@exemple.fr",
        ),
    )  # fmt: skip
    anne = {"nom": "DUPONT", "prenom": "Anne", "date_naissance": "02/01/1980"}
    rows = [good_row(1), good_row(2, email="anne@exemple.fr", **anne)]
    refusal = _refusal(campaign, csv_bytes(rows))
    assert _located(refusal) == {
        (3, "nom"): "DUPONT Anne, né(e) le 02/01/1980 est déjà inscrit(e) à cette campagne."
    }
    assert Registration.objects.filter(campaign=campaign).get() == already


def test_it_refuses_an_unknown_siret_without_company_name(campaign):
    refusal = _refusal(campaign, csv_bytes([good_row(1, entreprise="")]))
    assert "raison sociale manquante" in _located(refusal)[(2, "entreprise")]


def test_it_names_every_missing_column(campaign):
    header = [c for c in HEADER if c not in ("siret", "parcours")]
    refusal = _refusal(campaign, csv_bytes([good_row(1)], header=header))
    assert set(_located(refusal)) == {(1, "siret"), (1, "parcours")}
    assert (
        str(refusal.issues[0]) == "Ligne 1, colonne « siret » : colonne manquante dans l'en-tête."
    )


@pytest.mark.parametrize(
    "data, filename, expected",
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"\xef\xbb\xbf\r\n\r\n", "vide.csv", "Le fichier est vide."),
        (csv_bytes([]), "entete.csv", "aucune ligne de candidat"),
        (xlsx_bytes([]), "entete.xlsx", "aucune ligne de candidat"),
        (csv_bytes([good_row()]), "inscrits.xlsx", "n'est pas un classeur XLSX"),
        (b"PK\x03\x04 pas vraiment un zip", "faux.xlsx", "n'est pas un classeur XLSX"),
        (xlsx_bytes([["M.", "A", "B", "01/01/1990"]]), "classeur.csv", "n'est pas un fichier CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "n'est pas un fichier CSV"),
        (b"civilite;nom\x81\x8d\n", "illisible.csv", "Encodage du fichier CSV non reconnu"),
        (b"col\n", "inscrits.xls", "Format non pris en charge"),
        # An unclosed quote swallows the rest of the line: reported, not a crash.
        ((";".join(HEADER) + '\n"M.;Dupont').encode(), "guillemet.csv", "Ligne 2, colonne"),
    ],
)
def test_it_refuses_unreadable_files_cleanly(campaign, data, filename, expected):
    refusal = _refusal(campaign, data, filename)
    assert expected in str(refusal.issues[0])


def test_it_refuses_a_zip_that_is_not_a_workbook(campaign):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bonjour.txt", "pas un classeur")
    refusal = _refusal(campaign, buffer.getvalue(), "archive.xlsx")
    assert "n'est pas un classeur XLSX" in str(refusal.issues[0])


def test_it_refuses_an_xlsx_with_an_xml_bomb(campaign):
    # defusedxml makes openpyxl refuse entity declarations: the file is unreadable, not a crash.
    workbook = xlsx_bytes([["M.", "A", "B", "01/01/1990"]])
    source = zipfile.ZipFile(BytesIO(workbook))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = (
                    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>' + content
                )
            target.writestr(item, content)
    refusal = _refusal(campaign, buffer.getvalue(), "bombe.xlsx")
    assert "n'est pas un classeur XLSX" in str(refusal.issues[0])


@pytest.mark.parametrize("status", [Campaign.Status.CLOSED, Campaign.Status.CANCELLED])
def test_it_refuses_a_closed_or_cancelled_campaign(campaign, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()
    before = _counts()
    with pytest.raises(
        DomainError, match="lecture seule, il n'est plus possible d'inscrire des candidats"
    ):
        _import(campaign, csv_bytes([good_row()]))
    assert _counts() == before


def test_it_refuses_staff_of_another_centre(campaign, staff_b):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        _import(campaign, csv_bytes([good_row()]), by=staff_b)
    assert not Registration.objects.exists()


# --- Speed: 10,000 rows in bounded queries -----------------------------------------------------


def test_it_imports_ten_thousand_rows_with_a_bounded_number_of_queries(
    campaign, staff_a, django_assert_max_num_queries
):
    tutors = [f"tuteur{i}@exemple.fr" for i in range(20)]
    rows = [
        good_row(i, nom=f"Nom{i}", tuteur_email=tutors[i % 20], parcours=str(Pathway.labels[i % 6]))
        for i in range(10_000)
    ]
    data = csv_bytes(rows)
    # Per-row queries would make tens of thousands; batches of inserts make a few hundred on
    # SQLite (999 parameters per statement, so fewer rows per INSERT as a person gains columns:
    # about 520 since the CDC's identity fields) and a few dozen on PostgreSQL, whatever the rows.
    with django_assert_max_num_queries(600):
        report = _import(campaign, data, by=staff_a)

    assert report.count == 10_000
    assert Registration.objects.filter(campaign=campaign).count() == 10_000
    assert Candidate.objects.count() == 10_000
    assert Company.objects.count() == 50
    assert AuditEntry.objects.filter(action="cqpm.registration.imported").count() == 10_000
    assert Registration.objects.filter(tutor__email="tuteur7@exemple.fr").count() == 500
