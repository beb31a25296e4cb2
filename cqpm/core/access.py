"""Who may do what, in one place: actions, roles, and the one `scope()` / `can()` every read asks.

- An **action** (`declare_action`) is something a person does to one kind of object: a dotted code
  (`registration.manage`, `jury_session.close`), the model it applies to (`app_label.Model`) and a
  French label. The access app (`access/actions.py`) declares them all.
- A **role** (`register_role`) is one function `grants(user) -> dict[action, Q]`: for each action
  the role gives, a filter of the action's model selecting the rows the user reaches through that
  role (an empty dict when the user does not hold the role). The access app (`access/roles.py`)
  registers one function per relation that gives rights (centre staff, resource centre, tutor,
  company respondent, evaluator, jury member, jury president, branch…).
- `scope(user, action)` is the action's model filtered by the OR of every role's filter: the rows
  the user may act on, nothing else (`.none()` for a user holding no role that grants it).
  `can(user, action, obj)` asks whether `obj` is in that scope; `get_or_404(user, action, ...)`
  fetches one object or answers 404 (never 403).

Adding a role: write its `grants(user)` function in `access/roles.py`, register it in the list at
the bottom of that module, add its column to `tests/test_access_matrix.py`, and run
`manage.py access_table --write` so docs/ACCESS.md shows it (a test fails while the doc differs).
Nothing else changes: every selector and view already asks `scope()` / `can()`.

Grants are computed once per request and user (cached on the user object), so a page asking
several scopes pays for a role's facts (its centres…) once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    User = AbstractBaseUser | AnonymousUser
else:
    User = object

M = TypeVar("M", bound=models.Model)

Grants = Mapping[str, Q]
GrantsFunction = Callable[["User"], Grants]


@dataclass(frozen=True)
class Action:
    code: str
    model: str  # "app_label.ModelName"
    label: str | Promise


@dataclass(frozen=True)
class Role:
    name: str
    label: str | Promise
    grants: GrantsFunction
    order: int


_actions: dict[str, Action] = {}
_roles: dict[str, Role] = {}
_CACHE = "_cqpm_access_grants"


def declare_action(code: str, *, model: str, label: str | Promise) -> Action:
    """Declare an action once; a second, different declaration of the same code is an error."""
    action = Action(code=code, model=model, label=label)
    existing = _actions.get(code)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"Action {code!r} is declared twice.")
    _actions[code] = action
    return action


def register_role(name: str, grants: GrantsFunction, *, label: str | Promise, order: int) -> None:
    """Register a role: `grants(user)` gives, per action, the filter of the rows it reaches."""
    existing = _roles.get(name)
    if existing is not None and existing.grants is not grants:
        raise ImproperlyConfigured(f"Role {name!r} is registered twice.")
    _roles[name] = Role(name=name, label=label, grants=grants, order=order)


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: a.code)


def roles() -> list[Role]:
    return sorted(_roles.values(), key=lambda r: (r.order, r.name))


def action(code: str) -> Action:
    try:
        return _actions[code]
    except KeyError:
        raise ImproperlyConfigured(f"Action {code!r} is asked but not declared.") from None


def _grants_of(user: User) -> dict[str, list[Q]]:
    """Every role's filters for this user, per action (computed once per user object)."""
    cached: dict[str, list[Q]] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    merged: dict[str, list[Q]] = {}
    if getattr(user, "is_authenticated", False):
        for role in roles():
            for code, condition in role.grants(user).items():
                action(code)  # a role may only grant declared actions
                merged.setdefault(code, []).append(condition)
    with contextlib.suppress(AttributeError):  # a user object that takes no attribute
        setattr(user, _CACHE, merged)
    return merged


def forget(user: User) -> None:
    """Drop the grants cached on a user object (after its roles changed in the same request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def condition(user: User, code: str) -> Q | None:
    """The OR of the roles' filters for `code`, or None when no role of the user grants it."""
    conditions = _grants_of(user).get(action(code).code)
    if not conditions:
        return None
    combined = conditions[0]
    for other in conditions[1:]:
        combined |= other
    return combined


def scope(user: User, code: str, queryset: QuerySet[M] | None = None) -> QuerySet[M]:
    """The rows of the action's model (or of `queryset`) the user may act on; none otherwise."""
    declared = action(code)
    qs: QuerySet[M] = (
        queryset if queryset is not None else apps.get_model(declared.model)._default_manager.all()
    )
    combined = condition(user, code)
    if combined is None:
        return qs.none()
    return qs.filter(combined)


def holds(user: User, code: str) -> bool:
    """True when some role of the user grants `code` at all (no query): shows an entry point."""
    return condition(user, code) is not None


def can(user: User, code: str, obj: models.Model) -> bool:
    """True when `obj` is in the user's scope for `code` (one query at most)."""
    if obj.pk is None or not holds(user, code):
        return False
    return scope(user, code).filter(pk=obj.pk).exists()


def permitted(user: User, obj: models.Model, codes: tuple[str, ...]) -> frozenset[str]:
    """Which of `codes` (actions on `obj`'s model) the user may do to `obj`, in one query."""
    held = {code: condition(user, code) for code in codes}
    conditions = {code: q for code, q in held.items() if q is not None}
    if obj.pk is None or not conditions:
        return frozenset()
    names = {f"may_{i}": code for i, code in enumerate(conditions)}
    row = (
        type(obj)
        ._default_manager.filter(pk=obj.pk)
        .annotate(
            **{
                name: ExpressionWrapper(conditions[code], output_field=BooleanField())
                for name, code in names.items()
            }
        )
        .values(*names)
        .first()
    )
    return frozenset(code for name, code in names.items() if row and row[name])


def get_or_404(user: User, code: str, queryset: QuerySet[M] | None = None, **lookup: object) -> M:
    """The object of the user's scope for `code` matching `lookup`; outsiders get a 404."""
    try:
        return scope(user, code, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def table() -> list[tuple[Action, list[str]]]:
    """Roles × actions, as the docs show it: for each action, the roles that grant it.

    Each role's grants are asked of a stand-in user that holds every role (`_Everyone`), so the
    table says what a role may give, not what one person holds."""
    # Not a model user: it answers the few attributes role functions read, and `everyone`.
    everyone = cast("User", _Everyone())
    granted: dict[str, list[str]] = {}
    for role in roles():
        for code in role.grants(everyone):
            granted.setdefault(code, []).append(role.name)
    return [(a, granted.get(a.code, [])) for a in actions()]


class _Everyone:
    """A stand-in user holding every role (for `table()`): role functions ask it their facts."""

    pk = 0
    id = 0
    is_authenticated = True
    is_active = True
    everyone = True  # role functions read this to skip the database


def table_markdown() -> str:
    """docs/ACCESS.md's generated table (`manage.py access_table --write`)."""
    names = [role.name for role in roles()]
    lines = [
        "| action | " + " | ".join(f"`{n}`" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for declared, granting in table():
        marks = ["oui" if n in granting else "" for n in names]
        lines.append(f"| `{declared.code}` — {declared.label} | " + " | ".join(marks) + " |")
    legend = [f"- `{role.name}` : {role.label}" for role in roles()]
    return "\n".join(lines) + "\n\n" + "\n".join(legend) + "\n"
