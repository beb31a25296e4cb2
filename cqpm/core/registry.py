"""The one registry of seams: what an app contributes to the others, declared once.

Each app declares its contributions in `<app>/seams.py`, a `register()` function that its
`AppConfig.ready()` calls. This shared app imports no domain app: domain apps call in.

- **Events** (`declare_event`): the one vocabulary of what happens. An event type is declared once,
  in the `events.py` of the app that owns it: its dotted code, French label and sentence (the
  audit entry), the typed fields of its payload (a TypedDict: what reactions receive) and, when
  partners may subscribe to it, its public webhook code and label. The audit log, the reactions
  and the webhooks all name the event by that declaration: `audit_log` refuses an undeclared
  code, `emit` an undeclared event or a payload that does not match its fields, and the
  webhooks app derives its events from the declarations that carry a webhook code. An event
  declared with `audited=False` is heard by reactions without an audit entry of its own (a
  moment before a change, or a batch whose items are audited one by one).
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
- **Reactions** (`react`, `emit`): apps further along react to an event with a handler, in a
  declared `order` (never the order of INSTALLED_APPS). Handlers run inside the transaction of
  the change that emits the event, so a reaction that must hold with the change (revoking a
  document, moving a stage) commits or rolls back with it. Dispatch is flat: an event emitted
  by a reaction is queued and runs after the reactions of the event being handled, not in the
  middle of them. Slow or external work (signing, e-mail, rendering, webhook sending) waits for
  the commit: a reaction declared `after_commit=True` runs then, once, and the others queue such
  work on commit themselves (`cqpm.core.queueing`). `declare_hook`/`on_hook`/`fire_hook` are
  the former names, kept for code not yet converted.
- **Labels** (`declare_labels`): French words for the keys and coded values of audit data,
  namespaced by what they label (`of`): the values of one data key (`of="convocation"`), the
  states of one model in a transition's before/after (`of="candidates.registration"`), the keys
  of one model's entries. A namespace says one thing: declaring another label for the same
  value in it raises, so no app can change another's wording.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.functional import Promise


class UndeclaredSeam(ImproperlyConfigured):
    """Code used an event type, a reaction or a label namespace that no app declared."""


@dataclass(frozen=True)
class EventType:
    """One kind of event. `sentence` is a `str.format` template read by people; it may use
    `{actor}` (who did it), `{object}` (what it was done to) and the keys of the entry's data,
    which the history fills with readable values ("—" for a missing one). `payload` is the
    TypedDict of the fields reactions receive (None: the event is not emitted to reactions);
    `webhook` the public code partners subscribe to (None: not offered as a webhook)."""

    code: str
    label: str | Promise
    sentence: str | Promise
    payload: type | None = None
    webhook: str | None = None
    webhook_label: str | Promise | None = None
    audited: bool = True

    @property
    def fields(self) -> tuple[frozenset[str], frozenset[str]]:
        """The payload's (required, optional) field names."""
        if self.payload is None:
            return frozenset(), frozenset()
        required = getattr(self.payload, "__required_keys__", None)
        if required is None:  # a dataclass
            names = frozenset(getattr(self.payload, "__dataclass_fields__", {}))
            return names, frozenset()
        return frozenset(required), frozenset(self.payload.__optional_keys__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Reaction:
    """A handler of an event: `handler(**payload)`, run in `order` (then `uid`)."""

    uid: str
    handler: Callable[..., Any]
    order: int
    after_commit: bool = False


@dataclass(frozen=True)
class Contribution:
    name: str
    provider: Callable[..., Any]
    order: int


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
    # Namespace (None: shared) -> key or value -> label; see declare_labels.
    field_label_spaces: dict[str | None, dict[str, str | Promise]] = field(default_factory=dict)
    value_label_spaces: dict[str | None, dict[str, str | Promise]] = field(default_factory=dict)
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
    reactions: dict[str, dict[str, Reaction]] = field(default_factory=dict)

    @property
    def field_labels(self) -> dict[str, str | Promise]:
        """The shared field labels (keys no model's namespace labels otherwise)."""
        return self.field_label_spaces.get(None, {})

    @property
    def value_labels(self) -> dict[str, str | Promise]:
        """Every value label whose wording no two namespaces disagree on, for readers that
        do not know what a value labels (the namespaced lookups come first: value_label)."""
        merged: dict[str, str | Promise] = {}
        clashing: set[str] = set()
        for space in self.value_label_spaces.values():
            for value, label in space.items():
                if value in merged and str(merged[value]) != str(label):
                    clashing.add(value)
                merged.setdefault(value, label)
        return {value: label for value, label in merged.items() if value not in clashing}


registry = Registry()


# --- Events -------------------------------------------------------------------------------------


def declare_event(
    code: str,
    label: str | Promise,
    sentence: str | Promise,
    *,
    payload: type | None = None,
    webhook: str | None = None,
    webhook_label: str | Promise | None = None,
    audited: bool = True,
) -> EventType:
    """Declare an event type once; declaring the same code twice differently is an error, as is
    a webhook code another event already uses."""
    event = EventType(
        code=code,
        label=label,
        sentence=sentence,
        payload=payload,
        webhook=webhook,
        webhook_label=webhook_label if webhook_label is not None else (label if webhook else None),
        audited=audited,
    )
    existing = registry.events.get(code)
    if existing is not None and existing != event:
        raise ImproperlyConfigured(f"Event type {code!r} is declared twice.")
    if webhook is not None:
        for other in registry.events.values():
            if other.webhook == webhook and other.code != code:
                raise ImproperlyConfigured(
                    f"Webhook event {webhook!r} is declared by {other.code!r} and {code!r}."
                )
    registry.events[code] = event
    return event


def event_type(code: str) -> EventType:
    """The declared event type, or UndeclaredSeam."""
    try:
        return registry.events[code]
    except KeyError:
        raise UndeclaredSeam(
            f"Event type {code!r} is written but not declared: add it to the events.py "
            "of the app that writes it."
        ) from None


def audited_event(code: str) -> EventType:
    """The declared event type an audit entry may be written for, or UndeclaredSeam."""
    event = event_type(code)
    if not event.audited:
        raise UndeclaredSeam(f"Event type {code!r} is declared without an audit entry.")
    return event


def webhook_events() -> list[EventType]:
    """The events partners may subscribe to, in their declaration order."""
    return [event for event in registry.events.values() if event.webhook]


def declare_labels(
    *,
    fields: Mapping[str, str | Promise] | None = None,
    values: Mapping[str, str | Promise] | None = None,
    of: str | None = None,
) -> None:
    """French labels for the keys (`fields`) and coded values (`values`) found in audit data,
    namespaced by what they label (`of`): a data key whose values they are ("convocation"), an
    event code whose entries they describe ("cqpm.bulk.started"), or a model label
    ("candidates.registration") whose states fill a transition's before/after; None is the
    namespace every entry shares. A namespace says one thing: a different label for a key or
    value it already has raises, so that no app rewords another's."""
    _label_into(registry.field_label_spaces.setdefault(of, {}), fields or {}, "key", of)
    _label_into(registry.value_label_spaces.setdefault(of, {}), values or {}, "value", of)


def _label_into(
    space: dict[str, str | Promise], labels: Mapping[str, str | Promise], what: str, of: str | None
) -> None:
    for name, label in labels.items():
        if name in space and str(space[name]) != str(label):
            raise ImproperlyConfigured(
                f"The {what} {name!r} is labelled twice in the namespace {of!r}: "
                f"{str(space[name])!r} and {str(label)!r}. Label it in its own namespace (of=...)."
            )
        space[name] = label


def field_label(key: str, *, within: Sequence[str | None] = ()) -> str | Promise | None:
    """The label of a data key, from the first of the namespaces `within` (an event code, a
    model label) that labels it, else the shared one; None when nobody labelled it."""
    for space in [*within, None]:
        labels = registry.field_label_spaces.get(space, {})
        if key in labels:
            return labels[key]
    return None


def value_label(value: str, *, within: Sequence[str | None] = ()) -> str | Promise:
    """The label of a coded value, from the first of the namespaces `within` (the data key it
    was found under, the event code, the model whose state it is) that labels it, then the
    shared one, then whatever no two namespaces disagree on; else the value itself."""
    for space in [*(space for space in within if space is not None), None]:
        labels = registry.value_label_spaces.get(space, {})
        if value in labels:
            return labels[value]
    return registry.value_labels.get(value, value)


# --- Page sections, navigation, demo ------------------------------------------------------------


def _contribute(
    kind: dict[str, Contribution], name: str, provider: Callable[..., Any], order: int
) -> None:
    if name in kind and kind[name].provider is not provider:
        raise ImproperlyConfigured(f"Contribution {name!r} is registered twice.")
    kind[name] = Contribution(name=name, provider=provider, order=order)


def _ordered(kind: dict[str, Contribution]) -> list[Contribution]:
    return sorted(kind.values(), key=lambda c: (c.order, c.name))


def register_section(name: str, provider: Callable[[Any, Any], str], *, order: int) -> None:
    """A section of the registration page: `provider(request, registration) -> str`."""
    _contribute(registry.sections, name, provider, order)


def register_nav(name: str, provider: Callable[[Any], list[Any]], *, order: int) -> None:
    """Navigation entries: `provider(user) -> list[NavItem]` (only what the user may use)."""
    _contribute(registry.nav, name, provider, order)


def register_home_item(name: str, provider: Callable[[Any], str], *, order: int) -> None:
    """A block of the home page: `provider(request) -> str` (only what the user may see)."""
    _contribute(registry.home_items, name, provider, order)


def register_home_tasks(name: str, provider: Callable[[Any], list[Any]], *, order: int) -> None:
    """Tasks on the home page: `provider(user) -> list[HomeTask]` (only the user's own work)."""
    _contribute(registry.home_tasks, name, provider, order)


def register_campaign_tab(
    name: str, provider: Callable[[Any, Any], list[Any]], *, order: int
) -> None:
    """Tabs of the campaign frame: `provider(user, campaign) -> list[CampaignTab]`."""
    _contribute(registry.campaign_tabs, name, provider, order)


def register_registration_link(
    name: str, provider: Callable[[Any, Any], list[Any]], *, order: int
) -> None:
    """Links of a registration's row: `provider(user, registration) -> list[NavItem]`."""
    _contribute(registry.registration_links, name, provider, order)


def register_demo_seeder(name: str, seed: Callable[..., None], *, order: int) -> None:
    """Demo data: `seed(*, ctx) -> None`, idempotent, run in `order` in one transaction."""
    _contribute(registry.demo_seeders, name, seed, order)


def register_audit_redactor(
    name: str, provider: Callable[[list[Any]], None], *, order: int
) -> None:
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


# --- Reactions ----------------------------------------------------------------------------------

# The events waiting to be dispatched while a dispatch is under way (None outside one): an event
# emitted by a reaction waits its turn, so that reactions never run nested in one another.
_pending: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "cqpm_pending_events", default=None
)


def react(
    code: str,
    handler: Callable[..., Any],
    *,
    uid: str,
    order: int,
    after_commit: bool = False,
) -> None:
    """React to event `code`: `handler(**payload)` runs inside the emitting transaction, in
    `order`; `after_commit=True` runs it once the transaction has committed (and never if it
    rolls back), for slow or external work."""
    registry.reactions.setdefault(code, {})[uid] = Reaction(
        uid=uid, handler=handler, order=order, after_commit=after_commit
    )


def reactions(code: str) -> list[Reaction]:
    return sorted(registry.reactions.get(code, {}).values(), key=lambda r: (r.order, r.uid))


def _check_payload(event: EventType, payload: Mapping[str, Any]) -> None:
    if event.payload is None:
        if event.audited:
            raise UndeclaredSeam(f"Event {event.code!r} is declared without a payload to emit.")
        return
    required, optional = event.fields
    missing, unknown = required - set(payload), set(payload) - required - optional
    if missing or unknown:
        raise UndeclaredSeam(
            f"Event {event.code!r} emitted with fields {sorted(payload)}: "
            f"missing {sorted(missing)}, undeclared {sorted(unknown)}."
        )


def emit(code: str, **payload: Any) -> None:
    """Run the reactions to event `code` in their declared order, in the caller's transaction.

    The payload must hold the event's declared fields. A reaction's exception propagates: the
    change that emitted the event rolls back with it. An event a reaction emits is dispatched
    after the current event's reactions (flat, in the same transaction)."""
    _check_payload(event_type(code), payload)
    pending = _pending.get()
    if pending is not None:
        pending.append((code, payload))
        return
    pending = [(code, payload)]
    token = _pending.set(pending)
    try:
        while pending:
            current, fields = pending.pop(0)
            for reaction in reactions(current):
                if reaction.after_commit:
                    transaction.on_commit(_later(reaction.handler, fields))
                else:
                    reaction.handler(**fields)
    finally:
        _pending.reset(token)


def _later(handler: Callable[..., Any], fields: dict[str, Any]) -> Callable[[], None]:
    return lambda: handler(**fields)


# The former names of the same mechanism, kept while code is converted to declare_event/react.


def declare_hook(name: str, *, doc: str) -> None:
    """Former name: an event without an audit entry, its label the `doc`."""
    if name not in registry.events:
        declare_event(name, doc, doc, audited=False)


def on_hook(name: str, handler: Callable[..., Any], *, uid: str, order: int = 100) -> None:
    """Former name of `react`."""
    react(name, handler, uid=uid, order=order)


def fire_hook(name: str, **payload: Any) -> None:
    """Former name of `emit`."""
    if name not in registry.events:
        raise UndeclaredSeam(f"Event {name!r} is emitted but not declared.")
    emit(name, **payload)


def check_registry() -> list[str]:
    """Problems a deployment must not start with: reactions to events nobody declared."""
    return [
        f"Reactions are registered for the undeclared event {name!r}."
        for name, handlers in registry.reactions.items()
        if handlers and name not in registry.events
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
    """Collect the payloads event `name` is emitted with during a block (tests)."""
    event_type(name)
    received: list[dict[str, Any]] = []
    uid = f"listening.{id(received)}"
    react(name, lambda **payload: received.append(payload), uid=uid, order=10_000)
    try:
        yield received
    finally:
        registry.reactions[name].pop(uid, None)
