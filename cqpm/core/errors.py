"""The root of every business error: a French, translatable message that views show as is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused an action; `message` is French and fit to show to the user.

    `field`, when set, names the form field the refusal is about (a date out of order), so that
    a page shows the message on that field."""

    def __init__(
        self, message: str | Promise, *, code: str = "invalid", field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


class BatchRefused(DomainError):
    """A batch was refused whole (nothing written): `lines` says, item by item, why."""

    def __init__(self, message: str | Promise, lines: list[str], *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.lines = list(lines)


class InvalidTransition(DomainError):
    """The object is not in a state from which this action is allowed."""


class ConcurrentUpdate(DomainError):
    """Someone else changed the object since it was read; nothing was overwritten."""


def messages_of(error: ValidationError) -> list[str]:
    """Flatten a ValidationError into French lines, field names first."""
    if hasattr(error, "error_dict"):
        return [f"{field} : {msg}" for field, msgs in error.message_dict.items() for msg in msgs]
    return list(error.messages)


def validation_text(error: ValidationError) -> str:
    """The French messages of a ValidationError, without the (English) field names."""
    return " ".join(dict.fromkeys(error.messages))


def full_clean_or_raise(obj: Model, **kwargs: Any) -> None:
    """Run the model's checks and turn their messages into one French DomainError."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(validation_text(exc)) from exc


def add_to_form(form: BaseForm, error: DomainError) -> None:
    """Show a DomainError on the form: on its field when the form has it, else on top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
