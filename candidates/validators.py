"""Shape checks shared by forms, services and the bulk import."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    return "".join(str(value).split())


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn key is right (spaces are tolerated and removed)."""
    siret = normalize_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(_("Le SIRET doit comporter 14 chiffres."), code="siret_length")
    if not luhn_ok(siret):
        raise ValidationError(
            _("Le SIRET %(siret)s est invalide (clé de contrôle erronée).") % {"siret": siret},
            code="siret_key",
        )


LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def search_fold(value: str) -> str:
    """What search compares: no case, no accents, ligatures spelled out, single spaces.

    « Hélène », « HELENE » and « helene » fold alike; so do « Œuvre » and « oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", str(value).translate(LIGATURES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def normalize_person_name(value: str) -> str:
    """Case-, accent-, hyphen- and space-insensitive form of a name, to recognise a person."""
    decomposed = unicodedata.normalize("NFKD", str(value))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for sep in "-'’":
        bare = bare.replace(sep, " ")
    return " ".join(bare.casefold().split())


# --- What the Caisse des Dépôts' deposit accepts (schema urn:cdc:cpf:pc5, version 1.1.2) -------
# One place for the identity fields' rules: the model fields carry these validators, and forms,
# the CSV import (cqpm.core.validation.field_problems runs a field's validators), the API
# serializers and the portal's corrections all read them from there.

CDC_NAME_MAX = 60
BIRTH_YEAR_MIN, BIRTH_YEAR_MAX = 1900, 2099  # anneeNaissance in the schema
# Name characters: letters (any script, with their accents), digits, spaces, hyphens,
# apostrophes and the period of an abbreviation. No symbol or emoji, no control character.
_NAME_PUNCTUATION = frozenset(" -'’.0123456789")
# A place may also hold a few signs (« Paris 15e Arrondissement », « Lyon (3e) »).
_PLACE_PUNCTUATION = _NAME_PUNCTUATION | frozenset("(),/")
INSEE_COMMUNE = re.compile(r"[0-9][0-9AB][0-9]{3}")  # 2A/2B: Corsica
POSTAL_CODE = re.compile(r"[0-9A-Z][0-9A-Z -]{0,8}")
COUNTRY_CODE = re.compile(r"[A-Z]{3}")  # ISO 3166-1 alpha-3 (« FRA »)


def _bad_character(value: str, allowed: frozenset[str]) -> str | None:
    for ch in str(value):
        if ch in allowed or unicodedata.category(ch)[0] in "LM":
            continue
        return ch
    return None


def _describe(ch: str) -> str:
    if unicodedata.category(ch)[0] == "C":
        return _("caractère de contrôle (code %(code)d)") % {"code": ord(ch)}
    return f"« {ch} »"


def _check_text(value: str, *, allowed: frozenset[str], what: str) -> None:
    if len(value) > CDC_NAME_MAX:
        raise ValidationError(
            _("%(max)d caractères au plus (%(length)d reçus).")
            % {"max": CDC_NAME_MAX, "length": len(value)},
            code="max_length",
        )
    bad = _bad_character(value, allowed)
    if bad is not None:
        raise ValidationError(
            _("%(what)s ne peut pas contenir %(char)s.") % {"what": what, "char": _describe(bad)},
            code="character",
        )


def validate_person_name(value: str) -> None:
    """A name or first name the deposit accepts: 60 characters at most, letters, digits,
    spaces, hyphens and apostrophes only (no symbol, emoji or control character)."""
    _check_text(value, allowed=_NAME_PUNCTUATION, what=_("Un nom"))


def validate_place_label(value: str) -> None:
    """A commune or country label: 60 characters at most, letters, digits and a few signs."""
    _check_text(value, allowed=_PLACE_PUNCTUATION, what=_("Un lieu"))


def validate_birth_date(value) -> None:
    """A birth year the deposit accepts (1900 to 2099)."""
    if value and not BIRTH_YEAR_MIN <= value.year <= BIRTH_YEAR_MAX:
        raise ValidationError(
            _("L'année de naissance doit être comprise entre %(low)d et %(high)d.")
            % {"low": BIRTH_YEAR_MIN, "high": BIRTH_YEAR_MAX},
            code="birth_year",
        )


def validate_insee_commune(value: str) -> None:
    """An INSEE commune code: 5 characters, digits (2A or 2B for Corsica)."""
    if value and not INSEE_COMMUNE.fullmatch(value):
        raise ValidationError(
            _("Le code INSEE de la commune comporte 5 caractères (chiffres, 2A ou 2B pour la "
              "Corse), par exemple 69123."),
            code="insee",
        )  # fmt: skip


def validate_postal_code(value: str) -> None:
    """A postal code: 1 to 9 capital letters, digits, spaces or hyphens."""
    if value and not POSTAL_CODE.fullmatch(value):
        raise ValidationError(
            _("Le code postal comporte de 1 à 9 chiffres ou lettres majuscules."),
            code="postal_code",
        )


def validate_country_code(value: str) -> None:
    """A country code as ISO 3166-1 alpha-3: three capital letters (FRA for France)."""
    if value and not COUNTRY_CODE.fullmatch(value):
        raise ValidationError(
            _("Le code du pays comporte 3 lettres majuscules (norme ISO 3166-1), par exemple "
              "FRA pour la France."),
            code="country_code",
        )  # fmt: skip


def validate_cdc_client_id(value: str) -> None:
    """The certifier's client id at the CDC: exactly 8 letters or digits."""
    if value and (len(value) != 8 or not value.isascii() or not value.isalnum()):
        raise ValidationError(
            _("L'identifiant client CDC comporte exactement 8 lettres ou chiffres."),
            code="cdc_client_id",
        )


def validate_cdc_contract_id(value: str) -> None:
    """The certifier's contract id at the CDC: 20 letters, digits or hyphens at most."""
    if value and (len(value) > 20 or not value.isascii() or not value.replace("-", "").isalnum()):
        raise ValidationError(
            _("L'identifiant de contrat CDC comporte au plus 20 lettres, chiffres ou tirets."),
            code="cdc_contract_id",
        )
