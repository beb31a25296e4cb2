"""Each jury rule is written once, in deliberations/rules.py (issue 25 §5): who is admissible,
how long acquired capacities and validated blocks stay valid. A second copy of one of them
anywhere in the source (migrations aside: they are history) fails here, naming the line."""

import re

import pytest

from tests.source_files import ROOT, python_sources

HOME = ROOT / "deliberations" / "rules.py"

# What each rule looks like when written out; every pattern matches its one home.
COPIES = {
    "24-month validity of acquired capacities": [
        r"\bmonths\s*=\s*24\b",
        r"_MONTHS\s*=\s*24\b",
        r"\bdays\s*=\s*73[01]\b",
        r"\b(24|730|731)\s*\*\s*\w*(month|day)",
    ],
    "5-year validity of validated blocks": [r"\byears\s*=\s*5\b"],
    "admissibility (every capacity acquired)": [
        r"\bacquired\s*>=\s*(self\.)?total\b",
        r"\bacquired\s*==\s*(self\.)?total\b",
    ],
    "months arithmetic (python-dateutil's relativedelta does it)": [
        r"\bdef\s+add_months\b",
        r"calendar\.monthrange\(",
    ],
}
HOME_HOLDS = {
    "24-month validity of acquired capacities",
    "5-year validity of validated blocks",
    "admissibility (every capacity acquired)",
}


def _sources():
    return python_sources()


def _matches(text: str, patterns: list[str]) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if not line.lstrip().startswith("#") and any(re.search(p, line) for p in patterns)
    ]


@pytest.mark.parametrize("rule", sorted(COPIES))
def test_the_rule_is_written_only_in_deliberations_rules(rule):
    patterns = COPIES[rule]
    copies = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != HOME
        for number in _matches(path.read_text("utf-8"), patterns)
    ]
    assert copies == [], f"« {rule} » written again outside deliberations/rules.py: {copies}"


@pytest.mark.parametrize("rule", sorted(HOME_HOLDS))
def test_the_scan_recognises_the_rule_where_it_lives(rule):
    # Else a rewording of rules.py would leave the scan looking for nothing.
    assert _matches(HOME.read_text("utf-8"), COPIES[rule]), rule
