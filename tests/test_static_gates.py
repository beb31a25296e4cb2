"""The static gates run from the project's own virtualenv: nothing to download (issue 16 §6)."""

import ast
import tomllib
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_pre_commit_runs_ruff_mypy_and_the_migrations_check_locally():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format", "mypy", "makemigrations-check"}
    for hook in hooks.values():
        assert hook["language"] == "system"
        program = hook["entry"].split()[0]
        assert program.startswith(".venv/bin/"), hook
    assert "makemigrations --check --dry-run" in hooks["makemigrations-check"]["entry"]
    # mypy takes its files from pyproject.toml, never the staged subset.
    assert hooks["mypy"]["pass_filenames"] is False


def test_mypy_checks_the_core_and_every_services_selectors_and_tasks_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert "mypy_django_plugin.main" in config["plugins"]
    files = set(config["files"])
    assert "cqpm" in files
    apps = [
        "accounts",
        "referentials",
        "candidates",
        "evaluations",
        "deliberations",
        "documents",
        "webhooks",
    ]
    for app in apps:
        for name in ("services", "selectors", "tasks"):
            if (ROOT / app / name).is_dir():
                assert f"{app}/{name}" in files
            elif (ROOT / app / f"{name}.py").exists():
                assert f"{app}/{name}.py" in files


def test_ci_runs_the_type_check_with_the_other_static_gates():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make lint") < ci.index("make typecheck") < ci.index("make security")


# Issue 25 §6: the modules that hold the rules (every services, selectors and tasks module, the
# access model, the event payloads) are checked under mypy --strict's per-module flags.
STRICT_SCOPE = (
    "*/services.py",
    "*/services/*.py",
    "*/selectors.py",
    "*/tasks.py",
    "*/events.py",
    "access/*.py",
)
# Modules of the scope not under the strict flags yet, each with why (none left): the test fails
# once one of them is listed strict, so an exception goes with its reason.
NOT_STRICT_YET: dict[str, str] = {}


def _strict_modules(config: dict) -> list[str]:
    strict = [
        override
        for override in config.get("overrides", [])
        if override.get("disallow_untyped_defs") and override.get("disallow_any_generics")
    ]
    modules: list[str] = []
    for override in strict:
        names = override["module"]
        modules += [names] if isinstance(names, str) else names
    return modules


def _covered(module: str, patterns: list[str]) -> bool:
    """mypy's override patterns: `a.b` names one module, `a.*` a package and all below it."""
    for pattern in patterns:
        if pattern == module:
            return True
        if pattern.endswith(".*"):
            package = pattern[:-2]
            if module == package or module.startswith(package + "."):
                return True
    return False


def _scope_files() -> list[Path]:
    found: set[Path] = set()
    for pattern in STRICT_SCOPE:
        for path in ROOT.glob(pattern):
            parts = path.relative_to(ROOT).parts
            if parts[0] in {"tests", "loadtest", "scripts", "docs", ".venv", "var"}:
                continue
            if "migrations" in parts:
                continue
            found.add(path)
    return sorted(found)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_every_services_selectors_tasks_access_and_events_module_is_under_the_strict_flags():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    strict = _strict_modules(config)
    files = set(config["files"])
    modules = [_module_of(path) for path in _scope_files()]
    assert "cdc.services" in modules and "access.roles" in modules  # the scan finds them
    assert "deliberations.services.results" in modules and "portal.events" not in modules
    not_strict = [m for m in modules if not _covered(m, strict) and m not in NOT_STRICT_YET]
    assert not_strict == [], "add them to [[tool.mypy.overrides]]'s strict list"
    # A strict module is checked only if mypy reads it: listed in `files` (itself or its folder).
    unread = [
        path.relative_to(ROOT).as_posix()
        for path in _scope_files()
        if _module_of(path) not in NOT_STRICT_YET
        and not any(
            path.relative_to(ROOT).as_posix() == name
            or path.relative_to(ROOT).as_posix().startswith(name.rstrip("/") + "/")
            for name in files
        )
    ]
    assert unread == [], "add them to [tool.mypy]'s files"
    # An exception is left only while it is needed.
    assert [m for m in NOT_STRICT_YET if _covered(m, strict)] == []


def test_the_strict_scan_tells_a_module_left_out():
    assert _covered("cdc.services", ["cdc.services"])
    assert _covered("candidates.services.centres", ["candidates.services.*"])
    assert _covered("candidates.services", ["candidates.services.*"])
    assert not _covered("candidates.services_old", ["candidates.services.*"])
    assert not _covered("documents.services", ["documents.selectors", "cdc.*"])


# Parameters that hold a person: never `Any` in the strict scope (issue 25 §6).
PERSON_PARAMETERS = {"user", "by", "actor", "tutor", "respondent", "account", "person"}


def _any_typed(annotation: ast.expr | None) -> bool:
    """The annotation is `Any`, or a `QuerySet[Any…]` (a scope of no known model)."""
    if annotation is None:
        return False
    text = ast.unparse(annotation).strip("'\"")
    return text in {"Any", "Any | None", "None | Any"} or text.startswith("QuerySet[Any")


def test_no_user_or_scope_is_typed_any_in_the_strict_scope():
    found = []
    for path in _scope_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            for argument in arguments:
                if argument.arg in PERSON_PARAMETERS and _any_typed(argument.annotation):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {argument.arg}")
            if _any_typed(node.returns) and ast.unparse(node.returns).startswith("QuerySet"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} returns a QuerySet[Any]")
    assert found == []


def test_the_any_scan_finds_an_any_user():
    tree = ast.parse("def f(*, user: Any, by: 'Any | None', qs: QuerySet[Any]) -> None: ...")
    arguments = tree.body[0].args.kwonlyargs
    assert [_any_typed(a.annotation) for a in arguments] == [True, True, True]
    assert not _any_typed(ast.parse("x: User | None").body[0].annotation)
