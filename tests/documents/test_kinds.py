"""Every document kind is declared once, with all its fields, and the code reads the
declarations (templates, credential, the candidate's documents, the verifier's wording)."""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import get_template

from documents import kinds, models
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


def _source_constraint():
    return next(
        c for c in Document._meta.constraints if c.name == "documents_document_source_matches_kind"
    )


def test_which_kinds_are_a_sessions_is_said_once_and_the_constraint_is_built_from_it():
    """documents.models.SESSION_KINDS: the kinds' source reads it, and so does the check
    constraint holding a document's source to its kind (no kind named in it)."""
    assert kinds.codes_where(source="jury_session") == models.SESSION_KINDS
    assert kinds.JURY_MINUTES.for_session and not kinds.CERTIFICATE.for_session
    # One session kind: the condition the initial migration holds (kind = …), so no migration.
    assert _source_constraint().condition == (
        Q(kind="jury_minutes", jury_session__isnull=False, registration__isnull=True)
        | (~Q(kind="jury_minutes") & Q(registration__isnull=False))
    )
    # A second one: both are a session's, through IN, with no edit of the constraint.
    two = ("jury_minutes", "session_report")
    assert models._kind_among(two) == {"kind__in": ["jury_minutes", "session_report"]}


@pytest.mark.django_db
def test_the_database_holds_a_documents_source_to_its_kind(jury):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Document.objects.create(kind=Document.Kind.JURY_MINUTES, registration=jury.alice)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Document.objects.create(kind=Document.Kind.CERTIFICATE, jury_session=jury.session)
    # The same rows with the right source are taken (the refusals were the constraint's).
    Document.objects.create(kind=Document.Kind.JURY_MINUTES, jury_session=jury.session)
    Document.objects.create(kind=Document.Kind.CERTIFICATE, registration=jury.alice)
