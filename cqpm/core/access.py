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
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    User = AbstractBaseUser | AnonymousUser
else:
    User = object

M = TypeVar("M", bound=models.Model)

# A role's filter for an action, or a function building it when it is asked: filters built of
# querysets (Exists, `pk__in=<subquery>`) cost ORM work a page that never asks the action should
# not pay (the menu asks only which actions a person holds, `holds()`, never their filters).
Grant = Q | Callable[[], Q]
Grants = Mapping[str, Grant]
GrantsFunction = Callable[["User"], Grants]
# How a role is held through a row of the database: the rows (a seat, an account…) whose user
# column is `OuterRef("pk")`, the person's primary key (`holds_role()` asks them all at once).
HeldRows = Callable[[], QuerySet[models.Model]]


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
    # A role is held through a fact of the account (its grants are empty for others: centre
    # staff, resource centre, branch), through seats (its filters find them: evaluator, jury,
    # respondent: `seated`), or it is a person's own things (`personal`: held through the rows
    # it declares, `held`, which `holds_role()` reads).
    seated: bool = False
    personal: bool = False
    held: HeldRows | None = None


_actions: dict[str, Action] = {}
_roles: dict[str, Role] = {}
_CACHE = "_cqpm_access_grants"
_SEATED_CACHE = "_cqpm_access_seated_codes"
_ONLY_OWN_CACHE = "_cqpm_access_only_own"
_CONDITIONS_CACHE = "_cqpm_access_conditions"
_HELD_CACHE = "_cqpm_access_held_roles"


def declare_action(code: str, *, model: str, label: str | Promise) -> Action:
    """Declare an action once; a second, different declaration of the same code is an error."""
    action = Action(code=code, model=model, label=label)
    existing = _actions.get(code)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"Action {code!r} is declared twice.")
    _actions[code] = action
    return action


def register_role(
    name: str,
    grants: GrantsFunction,
    *,
    label: str | Promise,
    order: int,
    seated: bool = False,
    personal: bool = False,
    held: HeldRows | None = None,
) -> None:
    """Register a role: `grants(user)` gives, per action, the filter of the rows it reaches;
    `held()`, when the role is held through rows (seats…), those rows for `holds_role()`."""
    existing = _roles.get(name)
    if existing is not None and existing.grants is not grants:
        raise ImproperlyConfigured(f"Role {name!r} is registered twice.")
    if personal and held is None:
        raise ImproperlyConfigured(f"Personal role {name!r} must declare the rows it is held by.")
    _roles[name] = Role(
        name=name,
        label=label,
        grants=grants,
        order=order,
        seated=seated,
        personal=personal,
        held=held,
    )


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: a.code)


def roles() -> list[Role]:
    return sorted(_roles.values(), key=lambda r: (r.order, r.name))


def action(code: str) -> Action:
    try:
        return _actions[code]
    except KeyError:
        raise ImproperlyConfigured(f"Action {code!r} is asked but not declared.") from None


def _grants_of(user: User) -> dict[str, list[Grant]]:
    """Every role's filters for this user, per action (computed once per user object; a filter
    given as a function is built when its action is asked, `condition()`)."""
    cached: dict[str, list[Grant]] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    merged: dict[str, list[Grant]] = {}
    seated: set[str] = set()  # the codes seated or personal roles give (only_own reads them)
    if getattr(user, "is_authenticated", False):
        for role in roles():
            granted = role.grants(user)
            for code, condition in granted.items():
                action(code)  # a role may only grant declared actions
                merged.setdefault(code, []).append(condition)
            if role.seated or role.personal:
                seated.update(granted)
    with contextlib.suppress(AttributeError):  # a user object that takes no attribute
        setattr(user, _CACHE, merged)
        setattr(user, _SEATED_CACHE, frozenset(seated))
    return merged


def forget(user: User) -> None:
    """Drop the grants cached on a user object (after its roles changed in the same request),
    and the memberships they were read from (accounts.User.membership_roles)."""
    for cached in (_CACHE, _SEATED_CACHE, _ONLY_OWN_CACHE, _CONDITIONS_CACHE, _HELD_CACHE):
        if hasattr(user, cached):
            delattr(user, cached)
    vars(user).pop("membership_roles", None)


def condition(user: User, code: str) -> Q | None:
    """The OR of the roles' filters for `code`, or None when no role of the user grants it
    (built once per user object and action)."""
    built: dict[str, Q | None] | None = getattr(user, _CONDITIONS_CACHE, None)
    if built is not None and code in built:
        return built[code]
    grants = _grants_of(user).get(action(code).code)
    combined: Q | None = None
    for grant in grants or ():
        part = grant if isinstance(grant, Q) else grant()
        combined = part if combined is None else combined | part
    if built is None:
        built = {}
        with contextlib.suppress(AttributeError):  # a user object that takes no attribute
            setattr(user, _CONDITIONS_CACHE, built)
    built[code] = combined
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


def scope_ids(user: User, code: str) -> list[int]:
    """The primary keys of the user's scope for `code`: read from the roles' filters when they
    list them (`pk__in=[…]`, no query), from the database otherwise."""
    combined = condition(user, code)
    if combined is None:
        return []
    listed = _listed_pks(combined)
    if listed is not None:
        return listed
    return list(scope(user, code).values_list("pk", flat=True))


def _listed_pks(q: Q) -> list[int] | None:
    if q.negated or (q.connector != Q.OR and len(q.children) > 1):
        return None
    pks: list[int] = []
    for child in q.children:
        if isinstance(child, Q):
            inner = _listed_pks(child)
            if inner is None:
                return None
            pks += inner
        elif (
            isinstance(child, tuple)
            and child[0] in ("pk__in", "id__in")
            and isinstance(child[1], list | tuple | set | frozenset)
        ):
            pks += list(child[1])
        else:
            return None
    return list(dict.fromkeys(pks))


def holds(user: User, code: str) -> bool:
    """True when some role of the user grants `code` at all (no query, no filter built): shows
    an entry point."""
    return bool(_grants_of(user).get(action(code).code))


def holds_role(user: User, name: str) -> bool:
    """True when the user holds the role `name` through a row (a candidate's account, an opinion
    to give, a jury seat): the menu shows its entry. Every role declaring its rows (`held`) is
    asked in one query, once per user object."""
    role = _roles.get(name)
    if role is None or role.held is None:
        raise ImproperlyConfigured(f"Role {name!r} does not declare the rows it is held by.")
    if not getattr(user, "is_authenticated", False):
        return False
    held: frozenset[str] | None = getattr(user, _HELD_CACHE, None)
    if held is None:
        asked = {f"holds_{r.name}": (r.name, r.held) for r in roles() if r.held is not None}
        row = (
            get_user_model()
            ._default_manager.filter(pk=cast("int", user.pk))
            .order_by()
            .annotate(**{key: Exists(rows()) for key, (_name, rows) in asked.items()})
            .values(*asked)
            .first()
        )
        held = frozenset(name for key, (name, _rows) in asked.items() if row and row[key])
        with contextlib.suppress(AttributeError):  # a user object that takes no attribute
            setattr(user, _HELD_CACHE, held)
    return name in held


def only_own(user: User) -> bool:
    """True for a person who holds a personal role (a candidate) and no role of the account
    (centre staff, resource centre, branch) nor a centre membership (an evaluator or a jury
    member of a centre, read from the memberships the frame has already loaded: no query): the
    menu's working entries are not for them."""
    if getattr(user, "membership_roles", None):
        return False
    cached: bool | None = getattr(user, _ONLY_OWN_CACHE, None)
    if cached is not None:  # the menu asks it for several entries: answered once per user object
        return cached
    grants = _grants_of(user)
    seated: frozenset[str] | None = getattr(user, _SEATED_CACHE, None)
    if seated is None:  # a user object that takes no attribute: the roles' filters built again
        seated = frozenset(
            code for role in roles() if role.seated or role.personal for code in role.grants(user)
        )
    if set(grants) - seated:  # staff and the like: asked before the personal fact (a query)
        answer = False
    else:
        answer = any(role.personal and holds_role(user, role.name) for role in roles())
    with contextlib.suppress(AttributeError):
        setattr(user, _ONLY_OWN_CACHE, answer)
    return answer


def can(user: User, code: str, obj: models.Model) -> bool:
    """True when `obj` is in the user's scope for `code` (one query at most, none when the
    roles' filters compare ids the object already holds, e.g. its campaign's centre)."""
    if obj.pk is None:
        return False
    combined = condition(user, code)
    if combined is None:
        return False
    known = _decide(combined, obj, [1])
    if known is not None:
        return known
    return scope(user, code).filter(pk=obj.pk).exists()


def can_id(user: User, code: str, pk: int | None) -> bool:
    """`can()` for the object of the action's model whose primary key is `pk`."""
    if pk is None:
        return False
    return can(user, code, apps.get_model(action(code).model)(pk=pk))


def ensure(
    by: User | None, code: str, obj: models.Model, message: str | Promise | None = None
) -> None:
    """Refuse (DomainError "forbidden") unless `by` may do `code` to `obj`; the system (None)
    and superusers (who act through the admin and commands) pass. For services' guards."""
    if by is None or getattr(by, "is_superuser", False) or can(by, code, obj):
        return
    raise DomainError(message or _("Vous n'avez pas le droit de faire cela."), code="forbidden")


def ensure_centre_staff(by: User | None, centre_id: int) -> None:
    """Refuse unless `by` may manage the centre (`centre.manage`: its staff), a superuser, or the
    system (None); no query beyond the user's roles (the services' one staff guard)."""
    ensure(
        by,
        "centre.manage",
        apps.get_model(action("centre.manage").model)(pk=centre_id),
        _("Vous ne faites pas partie du personnel de ce centre d'examen."),
    )


# --- Deciding a filter on an object in memory -------------------------------------------------
# Only lookups on primary and foreign keys against literal values are decided here (they do not
# change under the object's feet); anything else (a status, a subquery, Exists) is left to the
# database. Related objects are followed when loaded (select_related or cached), and one that is
# not may be loaded once per question (`loads`): never more queries than asking the database,
# and the object keeps it (the caller usually reads `registration.campaign` next).

_UNKNOWN = object()


def _decide(q: Q, obj: models.Model, loads: list[int]) -> bool | None:
    """True/False when `q` can be decided from `obj`'s loaded keys, None when it cannot."""
    answers: list[bool | None] = []
    for child in q.children:
        if isinstance(child, Q):
            answers.append(_decide(child, obj, loads))
        elif isinstance(child, tuple) and len(child) == 2:
            answers.append(_decide_lookup(child[0], child[1], obj, loads))
        else:
            answers.append(None)
    if q.connector == Q.OR:
        result: bool | None = True if True in answers else (None if None in answers else False)
    else:
        result = False if False in answers else (None if None in answers else True)
    if result is not None and q.negated:
        return not result
    return result


def _decide_lookup(lookup: str, value: object, obj: models.Model, loads: list[int]) -> bool | None:
    parts = lookup.split("__")
    op = "exact"
    if parts[-1] in ("in", "exact", "isnull"):
        op = parts.pop()
    held = _key_value(obj, parts, loads)
    if held is _UNKNOWN:
        return None
    if op == "isnull":
        return (held is None) is bool(value)
    if isinstance(value, models.Model):
        value = value.pk
    if op == "in":
        if not isinstance(value, list | tuple | set | frozenset):
            return None  # a queryset or an expression: the database decides
        return held in value
    if not isinstance(value, int | str) or isinstance(value, bool):
        return None
    return held == value


def _key_value(obj: models.Model, parts: list[str], loads: list[int]) -> object:
    """The value of the key `parts` reaches from `obj`, or _UNKNOWN (not a key, not loaded)."""
    current: models.Model | None = obj
    for index, name in enumerate(parts):
        if current is None:
            return None
        last = index == len(parts) - 1
        if name == "pk":
            return current.pk if last else _UNKNOWN
        try:
            found = current._meta.get_field(name)
        except Exception:  # an attname (centre_id) or a reverse relation
            local = next((f for f in current._meta.concrete_fields if f.attname == name), None)
            if local is None or not last:
                return _UNKNOWN
            return getattr(current, local.attname)
        if not isinstance(found, models.Field):
            return _UNKNOWN  # a reverse relation or a generic key: the database decides
        if found.primary_key and last:
            return current.pk
        if not (found.many_to_one or found.one_to_one) or not found.concrete:
            return _UNKNOWN
        if last:
            return getattr(current, found.attname)
        if not found.is_cached(current):  # type: ignore[attr-defined]  # a related field
            if not loads[0]:
                return _UNKNOWN
            loads[0] -= 1
        current = getattr(current, name)
    return _UNKNOWN


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
