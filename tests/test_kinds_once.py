"""Each document kind is declared once, in documents/kinds.py (issue 25 §3): the code reads the
declarations, never branches on a kind's name. A comparison, a filter or a mapping keyed on
`Kind.<NAME>` of a document or convocation anywhere else in the source (its models and
migrations aside; demo data, benches and tests may name a kind) fails here, naming the line."""

import re

from tests.source_files import ROOT, SKIPPED, python_sources

HOME = ROOT / "documents" / "kinds.py"
ALLOWED = frozenset({"models.py", "demo.py"})
# A member of the enumerations of document and convocation kinds, through their model or bare
# (`Kind = Document.Kind`); another model's `Kind` (RetentionItem.Kind…) is not a document kind.
KIND = re.compile(
    r"(?:\bDocument\.|\bConvocation\.|(?<![\w.]))(?:Kind|ConvocationKind)\.[A-Z][A-Z_]+\b"
)


def _sources():
    return python_sources(skipped=SKIPPED | {"scripts"}, names_skipped=ALLOWED)


def _named_kinds(text: str) -> list[int]:
    """The lines naming a kind of document or convocation by its enumeration's member."""
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if not line.lstrip().startswith("#") and KIND.search(line)
    ]


def test_no_code_branches_on_a_document_kind_outside_its_declaration():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != HOME
        for number in _named_kinds(path.read_text("utf-8"))
    ]
    assert found == [], f"A document kind named outside documents/kinds.py: {found}"


def test_the_scan_recognises_a_branch_and_ignores_other_enumerations():
    # Else a rewording would leave the scan looking for nothing.
    assert _named_kinds(HOME.read_text("utf-8"))
    branches = [
        "if document.kind == Document.Kind.JURY_MINUTES:",
        "    kind = Kind.CERTIFICATE",
        "filter(kind__in=[Convocation.Kind.JURY])",
        "{ConvocationKind.INTERVIEW: 1}",
        "if item.kind == RetentionItem.Kind.PERSON or kind == Document.Kind.CERTIFICATE:",
    ]
    assert _named_kinds("\n".join(branches)) == [1, 2, 3, 4, 5]
    others = [
        "if item.kind == RetentionItem.Kind.PERSON:",
        "(PackReminder.Kind.WEEK, relativedelta(days=7)),",
        "CriterionKind.RESULTS: 'R',",
        "# a comment naming Document.Kind.CERTIFICATE",
    ]
    assert _named_kinds("\n".join(others)) == []
