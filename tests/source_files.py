"""The project's own Python sources, for the scans that fail on a rule written twice
(tests/test_rules_once.py, test_kinds_once.py, test_identity_once.py)."""

import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Not the product's code: installed packages, history (migrations), the tests themselves, state.
SKIPPED = frozenset({".venv", "node_modules", "migrations", "tests", "var", "artifacts", ".git"})


def python_sources(
    *, skipped: frozenset[str] = SKIPPED, names_skipped: frozenset[str] = frozenset()
) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in skipped]
        for name in files:
            if name.endswith(".py") and name not in names_skipped:
                yield Path(folder) / name
