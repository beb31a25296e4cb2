"""The CDC deposit's identity fields are listed once, beside the model (candidates/models.py's
CDC_IDENTITY_FIELDS, issue 25 §5): the import, the forms, the API's serializers and the erasure
import it. A second literal list of them anywhere in the source (migrations aside: they are
history) fails here, naming the line."""

import ast

from candidates.models import CDC_IDENTITY_FIELDS, Candidate
from tests.source_files import ROOT, python_sources

HOME = ROOT / "candidates" / "models.py"
# A list, tuple or set literal naming this many of the fields is a copy (the erasure's list was
# nine of the ten); a few together (CODE_FIELDS' three codes) are another rule.
COPY_AT_LEAST = 6


def _sources():
    return python_sources()


def _copies(text: str) -> list[int]:
    """The lines where a literal list, tuple or set names most of the identity fields."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            names = {
                element.value
                for element in node.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            }
            if len(names & set(CDC_IDENTITY_FIELDS)) >= COPY_AT_LEAST:
                found.append(node.lineno)
    return found


def test_the_identity_fields_are_listed_only_beside_the_model():
    copies = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != HOME
        for number in _copies(path.read_text("utf-8"))
    ]
    assert copies == [], f"The CDC identity fields listed again: {copies}"


def test_the_scan_recognises_a_copy_where_the_list_lives():
    # Else a rewording of models.py would leave the scan looking for nothing.
    assert _copies(HOME.read_text("utf-8"))
    erased_but_birth_name = repr(list(CDC_IDENTITY_FIELDS[1:]))
    assert _copies(f"ERASED = {erased_but_birth_name}") == [1]
    assert _copies('CODES = ("birth_place_insee", "birth_postal_code", "birth_country_code")') == []


def test_each_reader_takes_the_one_list():
    from api.serializers import campaigns
    from candidates import forms
    from candidates.importing import database
    from candidates.services import PersonData
    from privacy import services

    assert database.IDENTITY_FIELDS == CDC_IDENTITY_FIELDS
    assert forms.IDENTITY_FORM_FIELDS == CDC_IDENTITY_FIELDS
    assert list(CDC_IDENTITY_FIELDS) == campaigns.IDENTITY_FIELDS
    # The erasure empties all of them but the birth name, which takes the placeholder.
    assert CDC_IDENTITY_FIELDS[1:] == services.ERASED_IDENTITY
    assert set(CDC_IDENTITY_FIELDS) <= set(PersonData.__dataclass_fields__)
    assert all(Candidate._meta.get_field(name) for name in CDC_IDENTITY_FIELDS)
