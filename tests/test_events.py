"""One vocabulary of events: every audit code, reaction and webhook event comes from the event
declarations of the registry; reactions run in their declared order, flat, and labels live in
namespaces no other app can reword."""

import ast
import re
from pathlib import Path
from typing import TypedDict

import pytest
from django.core.exceptions import ImproperlyConfigured

from cqpm.core.registry import (
    UndeclaredSeam,
    declare_event,
    declare_labels,
    emit,
    react,
    reactions,
    registry,
    webhook_events,
)
from webhooks.models import Event, delivery_event_choices

ROOT = Path(__file__).resolve().parent.parent
EMITTERS = ("emit", "fire_hook")


def _constants() -> dict[str, str]:
    """Every module-level NAME = "cqpm.…" of the apps' events.py, by name."""
    found = {}
    for path in ROOT.glob("*/events.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found[node.targets[0].id] = node.value.value
    return found


def _emitted_names() -> set[str]:
    """The first argument of every emit()/fire_hook() call in the project's code."""
    names = set()
    for path in ROOT.rglob("*.py"):
        if {".venv", "tests", "migrations", "node_modules"} & set(path.parts):
            continue
        if path.name == "registry.py":  # the mechanism itself
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in EMITTERS
                and node.args
            ):
                names.add(ast.unparse(node.args[0]))
    return names


def test_every_emitted_event_is_a_declared_event_with_typed_fields():
    constants = _constants()
    emitted = _emitted_names()
    assert len(emitted) >= 10  # the scan does find the emitters
    for name in emitted:
        code = constants.get(name, name.strip("'\""))
        assert code in registry.events, name
        assert registry.events[code].payload is not None, name
        assert registry.events[code].payload.__annotations__, name


def test_no_event_payload_field_is_typed_any():
    """Issue 25 §6: an event payload is typed through (its TypedDict is checked under mypy
    --strict's flags, tests/test_static_gates.py); none of its fields is `Any`."""
    payloads = [event.payload for event in registry.events.values() if event.payload is not None]
    assert len(payloads) >= 10
    for payload in payloads:
        for field, annotation in payload.__annotations__.items():
            text = getattr(annotation, "__forward_arg__", None) or repr(annotation)
            assert not re.search(r"\bAny\b", text), f"{payload.__qualname__}.{field}: {text}"


def test_reactions_and_webhooks_come_from_the_declarations_only():
    assert set(registry.reactions) <= set(registry.events)
    assert not hasattr(registry, "hooks") and not hasattr(registry, "handlers")
    assert Event.values == [event.webhook for event in webhook_events()]
    assert Event.values == [
        "registration.created",
        "results.recorded",
        "decision.recorded",
        "decision.amended",
        "document.ready",
        "document.revoked",
    ]
    assert [code for code, _label in delivery_event_choices()] == [*Event.values, "ping"]
    for event in webhook_events():
        assert [r.uid for r in reactions(event.code)][-1] == "webhooks"


def test_an_amendment_reacts_in_the_declared_order_and_revokes_the_credential_once():
    from deliberations.events import DECISION_AMENDED
    from documents.events import DOCUMENT_REQUESTED, DOCUMENT_REVOKED

    assert [r.uid for r in reactions(DECISION_AMENDED)] == [
        "documents.revoke_and_renew",
        "transmissions.to_resend",
        "stats.count_amended_session",
        "webhooks",
    ]
    assert [r.uid for r in reactions(DOCUMENT_REVOKED)] == ["credentials.revoke", "webhooks"]
    # The credentials app reacts twice only: it issues with a certificate's new version (never
    # at render time) and revokes with its revocation, the one path.
    credentials = {
        (code, r.uid)
        for code in registry.reactions
        for r in reactions(code)
        if "credentials" in r.uid
    }
    assert credentials == {
        (DOCUMENT_REQUESTED, "credentials.issue"),
        (DOCUMENT_REVOKED, "credentials.revoke"),
    }


class _Payload(TypedDict):
    value: int


@pytest.fixture
def declared():
    codes = ["tests.events.outer", "tests.events.inner"]
    for code in codes:
        declare_event(code, "Test", "Test.", payload=_Payload, audited=False)
    yield codes
    for code in codes:
        registry.events.pop(code, None)
        registry.reactions.pop(code, None)


def test_reactions_run_in_declared_order_and_flat(declared):
    outer, inner = declared
    seen = []
    react(outer, lambda value: seen.append(("late", value)), uid="tests.z", order=20)
    react(
        outer, lambda value: (seen.append(("first", value)), emit(inner, value=2)), uid="y", order=1
    )
    react(outer, lambda value: seen.append(("second", value)), uid="tests.a", order=10)
    react(inner, lambda value: seen.append(("inner", value)), uid="tests.i", order=1)
    emit(outer, value=1)
    # The inner event waits for the outer event's reactions: never nested among them.
    assert seen == [("first", 1), ("second", 1), ("late", 1), ("inner", 2)]


def test_an_event_is_emitted_with_its_declared_fields_only(declared):
    outer, _inner = declared
    with pytest.raises(UndeclaredSeam):
        emit(outer, value=1, extra=2)
    with pytest.raises(UndeclaredSeam):
        emit(outer)
    with pytest.raises(UndeclaredSeam):
        emit("tests.events.never_declared", value=1)


def test_a_webhook_code_belongs_to_one_event(declared):
    with pytest.raises(ImproperlyConfigured):
        declare_event("tests.events.copy", "Test", "Test.", webhook="document.ready")


def test_no_app_can_reword_another_apps_labels():
    stage_jury = registry.value_label_spaces["candidates.registration"]["jury"]
    with pytest.raises(ImproperlyConfigured):
        declare_labels(values={"jury": "Autre chose"}, of="candidates.registration")
    with pytest.raises(ImproperlyConfigured):
        declare_labels(values={"jury": "Convocation au jury"}, of="stage")
    with pytest.raises(ImproperlyConfigured):
        declare_labels(fields={"reason": "Autre chose"})
    assert registry.value_label_spaces["candidates.registration"]["jury"] == stage_jury
    # The same code in two namespaces reads two ways, each in its own place.
    assert str(stage_jury) != str(registry.value_label_spaces["convocation"]["jury"])
