"""The file staff download to start an import: the import's header, one example row that
imports as it is, and (XLSX) a second sheet explaining the accepted values.

A CSV cannot carry explanations: any extra line would be read as a candidate and refused, so
the CSV holds the header and the example row only, and the import page explains the values.
The importer reads the first sheet of a workbook only, so the XLSX explains them on a second.
"""

import csv
import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..models import AccessMode, Pathway, RegistrationInitiative, RegistrationStage
from .reading import COLUMNS, OPTIONAL_COLUMNS

EXAMPLE = {
    "civilite": "Mme",
    "nom": "Martin",
    "prenom": "Hélène",
    "date_naissance": datetime.date(1990, 4, 12),
    "email": "helene.martin@exemple.fr",
    "telephone": "0601020304",
    "entreprise": "Forges de Lyon",
    "siret": "73282932000074",
    "parcours": str(Pathway.CONTINUING.label),
    "tuteur_email": "",
    "nom_naissance": "Durand",
    "nom_usage": "Martin",
    "prenom_2": "Marie",
    "prenom_3": "",
    "sexe": "F",
    "code_insee_naissance": "69123",
    "code_postal_naissance": "",
    "commune_naissance": "Lyon",
    "code_pays_naissance": "FRA",
    "pays_naissance": "France",
    "modalite_acces": str(AccessMode.CONTINUING.label),
    "voie_vae": "",
    "initiative_inscription": str(RegistrationInitiative.EMPLOYER.label),
}
ALL_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)


def accepted_values() -> list[tuple[str, str, str]]:
    """(column, required, what it accepts) for each column of the import, in French."""
    civilities = ", ".join(["M.", "Monsieur", "Mme", "Madame"])
    pathways = ", ".join(str(label) for label in Pathway.labels)
    yes, no = _("oui"), _("non")
    return [
        ("civilite", yes, civilities),
        ("nom", yes, _("Nom de naissance ou d'usage.")),
        ("prenom", yes, _("Prénom.")),
        ("date_naissance", yes, _("Date au format JJ/MM/AAAA.")),
        ("email", no, _("Adresse e-mail du candidat.")),
        ("telephone", no, _("Numéro de téléphone (les zéros en tête sont gardés).")),
        ("entreprise", no, _("Raison sociale ; une entreprise déjà connue garde la sienne.")),
        ("siret", no, _("14 chiffres, obligatoire si l'entreprise est indiquée.")),
        ("parcours", yes, pathways),
        (
            "tuteur_email",
            no,
            _("Compte du tuteur : existant, ou créé sans mot de passe et invité ensuite."),
        ),
        *identity_values(),
    ]


def identity_values() -> list[tuple[str, str, str]]:
    """The optional columns of the Caisse des Dépôts' deposit (Passeport de compétences)."""
    no = _("non")
    names = _("60 caractères au plus : lettres, chiffres, espaces, tirets, apostrophes.")
    modes = ", ".join(str(label) for label in AccessMode.labels)
    return [
        ("nom_naissance", no, _("Nom de naissance s'il diffère du nom. ") + names),
        ("nom_usage", no, _("Nom d'usage s'il diffère du nom de naissance. ") + names),
        ("prenom_2", no, _("Deuxième prénom. ") + names),
        ("prenom_3", no, _("Troisième prénom. ") + names),
        ("sexe", no, _("M ou F ; vide : celui de la civilité.")),
        (
            "code_insee_naissance",
            no,
            _("Code INSEE de la commune de naissance : 5 caractères (69123 ; 2A004 en Corse)."),
        ),
        (
            "code_postal_naissance",
            no,
            _("À défaut du code INSEE : code postal, 1 à 9 chiffres ou lettres."),
        ),
        ("commune_naissance", no, _("Nom de la commune de naissance, 60 caractères au plus.")),
        (
            "code_pays_naissance",
            no,
            _("3 lettres ISO 3166-1 (FRA, DZA, PRT…) ; vides tous deux : France."),
        ),
        ("pays_naissance", no, _("Nom du pays de naissance, 60 caractères au plus.")),
        ("modalite_acces", no, _("Vide : celle du parcours. Sinon : ") + modes + "."),
        ("voie_vae", no, _("Pour la modalité VAE : Congé VAE ou VAE classique.")),
        (
            "initiative_inscription",
            no,
            ", ".join(str(label) for label in RegistrationInitiative.labels) + ".",
        ),
    ]


def stage_note() -> str:
    stages = ", ".join(str(label) for label in RegistrationStage.labels)
    return _(
        "L'export des candidats ajoute les colonnes date_inscription et etape (%(stages)s) : "
        "l'import les ignore, chaque inscription importée commence à l'étape « %(first)s »."
    ) % {"stages": stages, "first": RegistrationStage.REGISTERED.label}


def template_csv() -> bytes:
    """`;`-separated UTF-8 with a BOM, as the export: French Excel opens it with a double click."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(ALL_COLUMNS)
    writer.writerow([_as_text(EXAMPLE[column]) for column in ALL_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Candidats")
    sheet.append(list(ALL_COLUMNS))
    sheet.append([EXAMPLE[column] for column in ALL_COLUMNS])
    for cell in sheet[2]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "DD/MM/YYYY"
        else:
            cell.number_format = "@"  # text: SIRET and telephone keep their leading zeros
    for position in range(1, len(ALL_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 20
    help_sheet = workbook.create_sheet(_("Valeurs acceptées"))
    help_sheet.append([_("Colonne"), _("Obligatoire"), _("Valeurs acceptées")])
    for row in accepted_values():
        help_sheet.append(list(row))
    help_sheet.append([])
    help_sheet.append([_("Seule la première feuille est importée ; gardez la ligne d'en-tête.")])
    help_sheet.append([stage_note()])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_text(value) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)
