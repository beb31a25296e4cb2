"""Every document kind is declared once, with all its fields, and the code reads the
declarations (templates, credential, the candidate's documents, the verifier's wording)."""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template

from documents import kinds
from documents.models import Document
from documents.rendering import TEMPLATES
from portal.selectors import OWN_KINDS


def test_every_kind_is_declared_once_with_all_its_fields():
    declared = kinds.kinds()
    assert sorted(k.code for k in declared) == sorted(Document.Kind.values)
    for kind in declared:
        for field in ("template", "download", "proves", "verifier"):
            assert getattr(kind, field), (kind.code, field)
        get_template(kind.template)


def test_the_code_reads_the_declarations():
    assert {k.code: k.template for k in kinds.kinds()} == TEMPLATES
    assert set(OWN_KINDS) == {Document.Kind.CERTIFICATE, Document.Kind.CAPACITY_NOTICE}
    assert kinds.codes_where(credential=True) == (Document.Kind.CERTIFICATE,)
    assert kinds.codes_where(pack="minutes") == (Document.Kind.JURY_MINUTES,)


def test_a_second_different_declaration_is_refused():
    changed = dataclasses.replace(kinds.CERTIFICATE, credential=False)
    with pytest.raises(ImproperlyConfigured):
        kinds.declare_kind(changed)
    assert kinds.declare_kind(kinds.CERTIFICATE) is kinds.CERTIFICATE


def test_an_undeclared_kind_is_an_error():
    with pytest.raises(ImproperlyConfigured):
        kinds.kind_of("nothing")
