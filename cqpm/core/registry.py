"""The one registry of seams: what an app contributes to the others, declared once.

Each app declares its contributions in `<app>/seams.py`, a `register()` function that its
`AppConfig.ready()` calls. This shared app imports no domain app: domain apps call in.

- **Audit event types** (`declare_event`): every dotted code written to the audit log, with its
  French label and a sentence template. `audit_log` refuses an undeclared code, so a code that is
  written without being declared fails at once (and the tests that reach it fail).
- **Registration page sections** (`register_section`): `provider(request, registration) -> str`
  (rendered HTML, or "" to show nothing), in `order`.
- **Navigation entries** (`register_nav`): `provider(user) -> list[NavItem]`, in `order`.
- **Audit redactors** (`register_audit_redactor`): `provider(entries) -> None` replaces, in the
  in-memory entries a page or an export is about to show, personal values that must no longer be
  read (an erased person's name); the stored entries never change (append-only).
- **Home page blocks** (`register_home_item`): `provider(request) -> str` (rendered HTML, or ""
  to show nothing), in `order`, above the home page's cards (alerts such as overdue work).
- **"What is missing" filters of the candidates list** (`register_missing_filter`): a label
  and `condition() -> expression` (an `Exists`/`~Exists` on Registration, using an index), so
  later apps offer "no dossier", "no decision"… without the candidates app importing them.
- **Home tasks** (`register_home_tasks`): `provider(user) -> list[HomeTask]`, in `order`: what
  the person must do next (count, due date, the page where it is done), grouped by campaign on
  the home page. A provider answers in a constant number of queries.
- **Registration links** (`register_registration_link`): `provider(user, registration) ->
  list[NavItem]`: the pages of later apps a list of registrations links each row to (the
  evaluator's list reaches each results page). A provider answers without a query per row.
- **Campaign tabs** (`register_campaign_tab`): `provider(user, campaign) -> list[CampaignTab]`, in
  `order`: the tabs of the frame every page inside a campaign shares (only what the user may use).
- **Demo seeders** (`register_demo_seeder`): `seed(*, ctx) -> None`, in `order`, all in the one
  transaction of `seed_demo`.
- **Document extras** (`register_document_extra`): what a later app adds to a generated document
  and to its public verification page: `pdf(document) -> DocumentExtra | None` runs in the worker
  at render time (it may write, e.g. issue a credential), `page(document) -> str` reads only.
- **Bulk actions** (`register_bulk_action`): work on many selected items at once (approve
  dossiers, send convocations), confirmed then run by a worker as a `BulkJob`; each item goes
  through the same service as the single action.
- **Lifecycle hooks** (`declare_hook`, `on_hook`, `fire_hook`): an app that owns an event declares
  it; apps further along react to it with a handler. Handlers run synchronously, inside the
  transaction of the change that fires the hook, so a reaction that must hold with the change
  (revoking a document, moving a stage) commits or rolls back with it. Work that must wait for
  the commit (an e-mail, a render) is put on `transaction.on_commit` by the handler itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class UndeclaredSeam(ImproperlyConfigured):
    """Code used an audit event type or a lifecycle hook that no app declared."""


@dataclass(frozen=True)
class EventType:
    """One kind of audit entry. `sentence` is a `str.format` template read by people; it may
    use `{actor}` (who did it), `{object}` (what it was done to) and the keys of the entry's
    data, which the history fills with readable values ("—" for a missing one)."""

    code: str
    label: str | Promise
    sentence: str | Promise


@dataclass(frozen=True)
class Contribution:
    name: str
    provider: Callable[..., Any]
    order: int


@dataclass(frozen=True)
class Hook:
    name: str
    doc: str


@dataclass(frozen=True)
class DocumentExtra:
    """A later app's part of a rendered document: an HTML fragment placed in the PDF and files
    attached to it, as (filename, bytes, media type, description)."""

    html: str = ""
    attachments: tuple[tuple[str, bytes, str, str], ...] = ()


@dataclass(frozen=True)
class BulkAction:
    """A bulk action offered on a list. `context(user, pk)` fetches the object the list belongs
    to (a commission session…) or None when out of reach, and is None for lists without one;
    `scope(user, context)` is the queryset of items the user may select (anything else answers
    404); `run(obj, by, context)` is the single action's service for one item (DomainError on a
    refusal); `describe(obj)` names an item in French; `back(context)` is the list's URL;
    `summary` is a `str.format` sentence with `{count}`, saying what will happen."""

    kind: str
    title: str | Promise
    summary: str | Promise
    scope: Callable[..., Any]
    run: Callable[..., Any]
    describe: Callable[[Any], str]
    back: Callable[[Any], str]
    context: Callable[..., Any] | None = None
    centre_of: Callable[[Any], int | None] = lambda obj: None


@dataclass(frozen=True)
class MissingFilter:
    """A filter of the candidates list by what is missing: `condition()` returns an expression
    that `Registration.objects.filter()` takes (built when used, as it names later models)."""

    name: str
    label: str | Promise
    condition: Callable[[], Any]
    order: int


@dataclass
class Registry:
    events: dict[str, EventType] = field(default_factory=dict)
    field_labels: dict[str, str | Promise] = field(default_factory=dict)
    value_labels: dict[str, str | Promise] = field(default_factory=dict)
    sections: dict[str, Contribution] = field(default_factory=dict)
    nav: dict[str, Contribution] = field(default_factory=dict)
    home_items: dict[str, Contribution] = field(default_factory=dict)
    home_tasks: dict[str, Contribution] = field(default_factory=dict)
    campaign_tabs: dict[str, Contribution] = field(default_factory=dict)
    registration_links: dict[str, Contribution] = field(default_factory=dict)
    demo_seeders: dict[str, Contribution] = field(default_factory=dict)
    audit_redactors: dict[str, Contribution] = field(default_factory=dict)
    document_pdf_extras: dict[str, Contribution] = field(default_factory=dict)
    document_page_extras: dict[str, Contribution] = field(default_factory=dict)
    bulk_actions: dict[str, BulkAction] = field(default_factory=dict)
    missing_filters: dict[str, MissingFilter] = field(default_factory=dict)
    hooks: dict[str, Hook] = field(default_factory=dict)
    handlers: dict[str, dict[str, Callable[..., Any]]] = field(default_factory=dict)


registry = Registry()


# --- Audit event types --------------------------------------------------------------------------


def declare_event(code: str, label: str | Promise, sentence: str | Promise) -> EventType:
    """Declare an audit event type once; declaring the same code twice differently is an error."""
    event = EventType(code=code, label=label, sentence=sentence)
    existing = registry.events.get(code)
    if existing is not None and existing != event:
        raise ImproperlyConfigured(f"Audit event type {code!r} is declared twice.")
    registry.events[code] = event
    return event


def event_type(code: str) -> EventType:
    """The declared event type, or UndeclaredSeam."""
    try:
        return registry.events[code]
    except KeyError:
        raise UndeclaredSeam(
            f"Audit event type {code!r} is written but not declared: add it to the seams.py "
            "of the app that writes it."
        ) from None


def declare_labels(
    *,
    fields: dict[str, str | Promise] | None = None,
    values: dict[str, str | Promise] | None = None,
) -> None:
    """French labels for the keys (`fields`) and coded values (`values`) found in audit data."""
    registry.field_labels.update(fields or {})
    registry.value_labels.update(values or {})


# --- Page sections, navigation, demo ------------------------------------------------------------


def _contribute(kind: dict[str, Contribution], name: str, provider, order: int) -> None:
    if name in kind and kind[name].provider is not provider:
        raise ImproperlyConfigured(f"Contribution {name!r} is registered twice.")
    kind[name] = Contribution(name=name, provider=provider, order=order)


def _ordered(kind: dict[str, Contribution]) -> list[Contribution]:
    return sorted(kind.values(), key=lambda c: (c.order, c.name))


def register_section(name: str, provider: Callable[[Any, Any], str], *, order: int) -> None:
    """A section of the registration page: `provider(request, registration) -> str`."""
    _contribute(registry.sections, name, provider, order)


def register_nav(name: str, provider: Callable[[Any], list], *, order: int) -> None:
    """Navigation entries: `provider(user) -> list[NavItem]` (only what the user may use)."""
    _contribute(registry.nav, name, provider, order)


def register_home_item(name: str, provider: Callable[[Any], str], *, order: int) -> None:
    """A block of the home page: `provider(request) -> str` (only what the user may see)."""
    _contribute(registry.home_items, name, provider, order)


def register_home_tasks(name: str, provider: Callable[[Any], list], *, order: int) -> None:
    """Tasks on the home page: `provider(user) -> list[HomeTask]` (only the user's own work)."""
    _contribute(registry.home_tasks, name, provider, order)


def register_campaign_tab(name: str, provider: Callable[[Any, Any], list], *, order: int) -> None:
    """Tabs of the campaign frame: `provider(user, campaign) -> list[CampaignTab]`."""
    _contribute(registry.campaign_tabs, name, provider, order)


def register_registration_link(
    name: str, provider: Callable[[Any, Any], list], *, order: int
) -> None:
    """Links of a registration's row: `provider(user, registration) -> list[NavItem]`."""
    _contribute(registry.registration_links, name, provider, order)


def register_demo_seeder(name: str, seed: Callable[..., None], *, order: int) -> None:
    """Demo data: `seed(*, ctx) -> None`, idempotent, run in `order` in one transaction."""
    _contribute(registry.demo_seeders, name, seed, order)


def register_audit_redactor(name: str, provider: Callable[[list], None], *, order: int) -> None:
    """Redact audit entries before they are read: `provider(entries) -> None`, in place."""
    _contribute(registry.audit_redactors, name, provider, order)


def audit_redactors() -> list[Contribution]:
    return _ordered(registry.audit_redactors)


def register_document_extra(
    name: str,
    *,
    pdf: Callable[[Any], DocumentExtra | None] | None = None,
    page: Callable[[Any], str] | None = None,
    order: int,
) -> None:
    """Additions to documents: `pdf(document) -> DocumentExtra | None` at render time (in the
    worker), `page(document) -> str` (HTML, "" for nothing) on its public verification page."""
    if pdf is not None:
        _contribute(registry.document_pdf_extras, name, pdf, order)
    if page is not None:
        _contribute(registry.document_page_extras, name, page, order)


def document_pdf_extras() -> list[Contribution]:
    return _ordered(registry.document_pdf_extras)


def document_page_extras() -> list[Contribution]:
    return _ordered(registry.document_page_extras)


def register_missing_filter(
    name: str, label: str | Promise, condition: Callable[[], Any], *, order: int
) -> None:
    """A "what is missing" filter of the candidates list (see MissingFilter)."""
    existing = registry.missing_filters.get(name)
    if existing is not None and existing.condition is not condition:
        raise ImproperlyConfigured(f"Missing filter {name!r} is registered twice.")
    registry.missing_filters[name] = MissingFilter(name, label, condition, order)


def missing_filters() -> list[MissingFilter]:
    return sorted(registry.missing_filters.values(), key=lambda f: (f.order, f.name))


def sections() -> list[Contribution]:
    return _ordered(registry.sections)


def nav_providers() -> list[Contribution]:
    return _ordered(registry.nav)


def home_items() -> list[Contribution]:
    return _ordered(registry.home_items)


def home_task_providers() -> list[Contribution]:
    return _ordered(registry.home_tasks)


def campaign_tab_providers() -> list[Contribution]:
    return _ordered(registry.campaign_tabs)


def registration_link_providers() -> list[Contribution]:
    return _ordered(registry.registration_links)


def demo_seeders() -> list[Contribution]:
    return _ordered(registry.demo_seeders)


# --- Bulk actions -------------------------------------------------------------------------------


def register_bulk_action(action: BulkAction) -> None:
    """Offer a bulk action under its `kind`; registering another action of the same kind fails."""
    existing = registry.bulk_actions.get(action.kind)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"Bulk action {action.kind!r} is registered twice.")
    registry.bulk_actions[action.kind] = action


def bulk_action(kind: str) -> BulkAction | None:
    return registry.bulk_actions.get(kind)


# --- Lifecycle hooks ----------------------------------------------------------------------------


def declare_hook(name: str, *, doc: str) -> None:
    """Declare a lifecycle event that the declaring app fires and later apps may react to."""
    registry.hooks.setdefault(name, Hook(name=name, doc=doc))


def on_hook(name: str, handler: Callable[..., Any], *, uid: str) -> None:
    """React to hook `name`: `handler(**payload)` runs inside the firing transaction."""
    registry.handlers.setdefault(name, {})[uid] = handler


def fire_hook(name: str, **payload: Any) -> None:
    """Run every handler of `name`, in registration order, in the caller's transaction.

    A handler's exception propagates: the change that fired the hook rolls back with it."""
    if name not in registry.hooks:
        raise UndeclaredSeam(f"Lifecycle hook {name!r} is fired but not declared.")
    for handler in list(registry.handlers.get(name, {}).values()):
        handler(**payload)


def check_registry() -> list[str]:
    """Problems a deployment must not start with: handlers of hooks nobody declared."""
    return [
        f"Handlers are registered for the undeclared lifecycle hook {name!r}."
        for name in registry.handlers
        if name not in registry.hooks
    ]


# --- Tests --------------------------------------------------------------------------------------


@contextlib.contextmanager
def replaced(kind: str, contributions: dict[str, Contribution] | None = None) -> Iterator[None]:
    """Replace one kind of contribution for the duration of a block (tests)."""
    current = getattr(registry, kind)
    setattr(registry, kind, dict(contributions or {}))
    try:
        yield
    finally:
        setattr(registry, kind, current)


@contextlib.contextmanager
def listening(name: str) -> Iterator[list[dict[str, Any]]]:
    """Collect the payloads hook `name` fires during a block (tests)."""
    if name not in registry.hooks:
        raise UndeclaredSeam(f"Lifecycle hook {name!r} is not declared.")
    received: list[dict[str, Any]] = []
    uid = f"listening.{id(received)}"
    on_hook(name, lambda **payload: received.append(payload), uid=uid)
    try:
        yield received
    finally:
        registry.handlers[name].pop(uid, None)
