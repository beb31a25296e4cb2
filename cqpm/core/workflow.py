"""One helper for every state machine: lock the row, check the map, save, audit, atomically."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import InvalidTransition

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)
# A state: a plain string or the TextChoices member of the model's status field.
S = TypeVar("S", bound=str)


def transition(
    obj: M,
    *,
    to: S | str,
    by: User | None,
    action: str,
    allowed: Mapping[S, Set[S]],
    field: str = "status",
    changes: Mapping[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    registration_id: int | None = None,
    centre_id: int | None = None,
    clean: bool = True,
) -> M:
    """Move `obj` to state `to` if the map allows it from its current state, else raise.

    The row is re-read under `select_for_update`, so two concurrent transitions are serialised and
    the second one sees the state the first one left. `changes` are other fields saved with it.
    `clean=False` skips `full_clean()` (and its foreign-key queries) on hot paths whose values
    the database constraints already hold; only the moved fields are then saved.
    """
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        before = getattr(locked, field)
        if to not in allowed.get(before, ()):
            label = _label(locked, field, before)
            raise InvalidTransition(
                _("Action impossible : l'objet est à l'état « %(state)s ».") % {"state": label}
            )
        setattr(locked, field, to)
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        if clean:
            locked.full_clean()
            locked.save()
        else:
            fields = [field, *(changes or {})]
            if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
                fields.append("updated_at")
            locked.save(update_fields=fields)
        payload = {"before": before, "after": to, **(data or {})}
        audit_log(
            action=action,
            obj=locked,
            by=by,
            data=payload,
            registration_id=registration_id,
            centre_id=centre_id,
        )
    return locked


def _label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(getattr(obj._meta.get_field(field), "flatchoices", ()))
    return str(choices.get(value, value))
