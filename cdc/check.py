"""What the CDC would refuse in one holder's passage, in French; no database.

The rules are the XSD's (lengths, patterns, required elements) plus what the law requires and
the XSD leaves optional (the access mode, the birth country), so that a flux is only written
for holders it would accept; the XSD validation of the written file stays the last word.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from referentials.models import Block
from referentials.validators import RNCP_BLOCK_CODE

from .xml import HolderRow

RNCP_CODE = re.compile(r"^(RNCP|RS)[0-9]{1,6}$")
INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
# Characters XML 1.0 cannot carry (a NUL, most control characters): lxml would refuse them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ACCESS_MODES = frozenset(
    {
        "FORMATION_INITIALE_HORS_APPRENTISSAGE",
        "FORMATION_INITIALE_APPRENTISSAGE",
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        "VAE",
        "EQUIVALENCE_DIPLOME_ETRANGER",
        "CANDIDAT_LIBRE",
    }
)
VAE_WAYS = frozenset({"CONGES_VAE", "VAE_CLASSIQUE"})
INITIATIVES = frozenset({"CERTIFIE", "OF", "POLE_EMPLOI", "EMPLOYEUR", "AUTRE"})

# (field, French name, maximum length) of the texts written as they are.
TEXTS = (
    ("birth_name", _l("le nom de naissance"), 60),
    ("usage_name", _l("le nom d'usage"), 60),
    ("first_name", _l("le premier prénom"), 60),
    ("second_first_name", _l("le deuxième prénom"), 60),
    ("third_first_name", _l("le troisième prénom"), 60),
    ("birth_place_label", _l("la commune de naissance"), 60),
    ("birth_country_label", _l("le pays de naissance"), 60),
)


def holder_problems(row: HolderRow) -> list[str]:
    """What is missing or wrong in this holder's data (the person's, their registration's)."""
    problems = _text_problems(row)
    if not row.birth_name.strip():
        problems.append(_("Nom de naissance manquant."))
    if not row.first_name.strip():
        problems.append(_("Prénom manquant."))
    if row.sex not in ("M", "F"):
        problems.append(_("Sexe manquant (M ou F)."))
    problems += _birth_problems(row)
    problems += _registration_problems(row)
    return problems


def _text_problems(row: HolderRow) -> list[str]:
    problems = []
    for name, label, limit in TEXTS:
        value = getattr(row, name)
        if NOT_XML.search(value):
            problems.append(_("Caractère non autorisé dans %(what)s.") % {"what": label})
        elif len(value) > limit:
            problems.append(
                _("%(what)s dépasse %(limit)s caractères.")
                % {"what": str(label).capitalize(), "limit": limit}
            )
    return problems


def _birth_problems(row: HolderRow) -> list[str]:
    problems = []
    if row.birth_date is None:
        problems.append(_("Date de naissance manquante."))
    elif not 1900 <= row.birth_date.year <= 2099:
        problems.append(_("Année de naissance hors de 1900–2099."))
    if row.birth_place_insee:
        if not INSEE_CODE.match(row.birth_place_insee):
            problems.append(_("Code INSEE de la commune de naissance invalide (5 caractères)."))
    elif not row.birth_postal_code:
        problems.append(_("Lieu de naissance manquant (code INSEE ou code postal de la commune)."))
    elif len(row.birth_postal_code) > 9:
        problems.append(_("Code postal de naissance trop long (9 caractères au plus)."))
    if not row.birth_place_label.strip():
        problems.append(_("Commune de naissance manquante (libellé)."))
    if len(row.birth_country_code) != 3:
        problems.append(_("Pays de naissance manquant (code à 3 caractères)."))
    return problems


def _registration_problems(row: HolderRow) -> list[str]:
    problems = []
    if row.access_mode not in ACCESS_MODES:
        problems.append(_("Modalité d'accès à la certification manquante."))
    if row.vae_way and row.vae_way not in VAE_WAYS:
        problems.append(_("Voie d'accès à la VAE inconnue."))
    if row.initiative and row.initiative not in INITIATIVES:
        problems.append(_("Initiative de l'inscription inconnue."))
    if row.registered_on and not 1900 <= row.registered_on.year <= 2099:
        problems.append(_("Date d'inscription hors de 1900–2099."))
    return problems


def block_problems(block: Block) -> list[str]:
    """What makes a validated block impossible to deposit: its RNCP code (the referential's)."""
    code = (block.rncp_code or "").strip()
    if not code:
        return [
            _("Le bloc « %(block)s » n'a pas de code RNCP (RNCP…BC..) : renseignez-le.")
            % {"block": block.code}
        ]
    if not RNCP_BLOCK_CODE.fullmatch(code):
        return [
            _("Code RNCP du bloc « %(block)s » invalide (« %(code)s », attendu RNCP35231BC01).")
            % {"block": block.code, "code": code}
        ]
    return []


def certification_problems(
    *,
    registered: bool,
    rncp_code: str,
    rncp_end: datetime.date | None,
    jury_date: datetime.date | None,
    client_id: str,
    contract_id: str,
) -> list[str]:
    """What makes a whole certification (a referential at a centre) impossible to deposit."""
    if not registered:
        return [
            _(
                "Ce CQPM n'est pas enregistré au RNCP : ses titulaires ne se déposent pas à la "
                "Caisse des Dépôts."
            )
        ]
    problems = []
    if not rncp_code:
        problems.append(_("Le référentiel n'a pas de code RNCP : il ne peut pas être déposé."))
    elif not RNCP_CODE.match(rncp_code):
        problems.append(
            _("Code RNCP du référentiel invalide (« %(code)s », attendu RNCP suivi de chiffres).")
            % {"code": rncp_code}
        )
    if rncp_end and jury_date and rncp_end < jury_date:
        problems.append(
            _("L'enregistrement au RNCP a pris fin le %(end)s, avant le jury du %(jury)s.")
            % {"end": rncp_end.strftime("%d/%m/%Y"), "jury": jury_date.strftime("%d/%m/%Y")}
        )
    if len(client_id) != 8:
        problems.append(_("Identifiant client CDC du certificateur manquant (8 caractères)."))
    if not 1 <= len(contract_id) <= 20:
        problems.append(_("Identifiant de contrat CDC du certificateur manquant."))
    return problems
