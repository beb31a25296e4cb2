"""What a column can hold, read from the model's own field declarations, the same on every database.

Imports and file formats check each value here before anything is written, so that a preview
called valid always imports: length (`max_length`), integer range (the portable ranges, which
PostgreSQL enforces and SQLite does not), NUL and control characters (PostgreSQL refuses NUL in
text), e-mail shape, dates and the field's own validators. Each check returns French messages,
empty when the value fits.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, validate_email
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

# Tab, line feed and carriage return are text; every other C0 control, DEL and NUL are not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
# The ranges PostgreSQL enforces; SQLite stores 64-bit integers, so checking here makes both equal.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def text_problems(value: str, *, multiline: bool = False) -> list[str]:
    """Refuse NUL and control characters (PostgreSQL cannot store NUL; none is ever meant)."""
    pattern = _CONTROL if multiline else _CONTROL_ONE_LINE
    match = pattern.search(value)
    if match is None:
        return []
    return [
        _("caractère de contrôle interdit (code %(code)d, position %(position)d).")
        % {"code": ord(match.group()), "position": match.start() + 1}
    ]


def integer_problems(field: models.Field[Any, Any], value: int) -> list[str]:
    low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
    if low is not None and value < low or high is not None and value > high:
        return [
            _("nombre %(value)s hors limites (de %(low)d à %(high)d).")
            % {"value": value, "low": low, "high": high}
        ]
    return []


def field_problems(model: type[models.Model], name: str, value: object) -> list[str]:
    """French reasons why `value` cannot be stored in `model.name` (empty when it can)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # a relation's reverse side stores nothing here
        return []
    if isinstance(value, bool):
        return [] if isinstance(field, models.BooleanField) else [_("valeur inattendue.")]
    if isinstance(value, int):
        return integer_problems(field, value)
    if isinstance(value, datetime.date):
        return []  # Python dates (years 1-9999) fit both databases
    if not isinstance(value, str):
        return []
    problems = text_problems(value, multiline=isinstance(field, models.TextField))
    if problems:
        return problems
    if field.max_length and len(value) > field.max_length:
        return [
            _("%(max)d caractères au plus (%(length)d reçus).")
            % {"max": field.max_length, "length": len(value)}
        ]
    if isinstance(field, models.EmailField) and value:
        try:
            validate_email(value)
        except ValidationError:
            return [_("adresse e-mail « %(value)s » invalide.") % {"value": value[:80]}]
    return validator_problems(field, value) if value else []


def validator_problems(field: models.Field[Any, Any], value: object) -> list[str]:
    """The messages of the field's own validators (a name's characters, a code's shape...)."""
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator | EmailValidator):
            continue  # said above, in the import's words
        try:
            validator(value)
        except ValidationError as exc:
            return list(exc.messages)
    return []
