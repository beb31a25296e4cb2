"""Shape checks shared by forms, services and the bulk import."""

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
