"""The one registry of seams: every audit code the code writes is declared with French words, and
the sections, navigation, demo seeders and lifecycle hooks come from it alone."""

import ast
import re
from pathlib import Path

import pytest

from cqpm.core.registry import (
    UndeclaredSeam,
    check_registry,
    declare_hook,
    demo_seeders,
    fire_hook,
    home_items,
    nav_providers,
    on_hook,
    registry,
    sections,
)

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "candidates",
    "cqpm",
    "deliberations",
    "documents",
    "evaluations",
    "referentials",
    "credentials",
    "privacy",
    "transmissions",
    "webhooks",
]
CODE = re.compile(r"^cqpm(\.[a-z_]+){2,}$")
MODULES = ("cqpm.core.", "cqpm.settings", "cqpm.urls", "cqpm.celery", "cqpm.wsgi", "cqpm.asgi")


def _written_codes() -> dict[str, str]:
    """Every dotted audit code that appears as a string literal in the project's code."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    value = node.value
                    if CODE.match(value) and not value.startswith(MODULES):
                        found[value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_audit_code_written_is_declared():
    written = _written_codes()
    assert len(written) > 40  # the scan does find the codes
    undeclared = {code: where for code, where in written.items() if code not in registry.events}
    assert undeclared == {}


@pytest.mark.parametrize("code", sorted(registry.events))
def test_every_declared_event_has_a_french_label_and_sentence(code):
    event = registry.events[code]
    assert str(event.label).strip() and str(event.sentence).strip()
    assert "cqpm." not in str(event.sentence)
    # The sentence fills from any data: a missing key reads "—", never a KeyError.
    from candidates.history import sentence_of

    class Entry:
        object_repr = "objet"

    assert sentence_of(str(event.sentence), Entry(), "Camille", {}).endswith((".", ")"))


def test_contributions_come_in_workflow_order():
    assert [c.name for c in demo_seeders()] == [
        "candidates",
        "evaluations",
        "deliberations",
        "documents",
        "transmissions",
        "stats",
        "portal",
    ]
    assert [c.name for c in sections()] == [
        "evaluations",
        "deliberations",
        "cdc",
        "documents",
        "portal",
        "privacy",
    ]
    assert [c.name for c in nav_providers()] == [
        "portal",  # « Mon espace candidat », for candidates only
        "referentials",
        "candidates",
        "evaluations",
        "deliberations",
        "transmissions",
        "cdc",
        "stats",
        "webhooks",
        "privacy",
        "api",  # « Jetons d'API », last, for everyone signed in but a candidate
    ]
    assert [c.name for c in home_items()] == ["transmissions.overdue", "stats.overdue_national"]
    assert check_registry() == []


def test_a_hook_must_be_declared_and_its_handlers_run_in_order():
    with pytest.raises(UndeclaredSeam):
        fire_hook("tests.never_declared", value=1)
    seen = []
    declare_hook("tests.declared", doc="test")
    on_hook("tests.declared", lambda **payload: seen.append(("a", payload)), uid="tests.a")
    on_hook("tests.declared", lambda **payload: seen.append(("b", payload)), uid="tests.b")
    fire_hook("tests.declared", value=1)
    assert seen == [("a", {"value": 1}), ("b", {"value": 1})]
    registry.events.pop("tests.declared")
    registry.reactions.pop("tests.declared")


def test_the_old_plug_in_mechanisms_are_gone():
    from django.conf import settings

    for name in ("CQPM_NAVIGATION", "CQPM_DEMO_SEEDERS", "CQPM_REGISTRATION_SECTIONS"):
        assert not hasattr(settings, name)
    for module in ("candidates.signals", "deliberations.signals", "deliberations.receivers"):
        with pytest.raises(ModuleNotFoundError):
            __import__(module)
