"""The static gates run from the project's own virtualenv: nothing to download (issue 16 §6)."""

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
