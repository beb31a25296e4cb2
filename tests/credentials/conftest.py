"""A closed jury with an admissible candidate (the documents tests' jury), and helpers that issue
the certificate's credential the way the worker does: by generating the certificate."""

import pytest

from documents import services as documents
from documents.models import Document

from ..documents.conftest import _private_broker, jury  # noqa: F401 - shared fixtures


def generate_certificate(registration, by) -> Document:
    """Request and render the certificate (the credential is issued at render time)."""
    document = documents.document_request(
        kind=Document.Kind.CERTIFICATE, registration=registration, by=by
    )
    documents.document_generate(document_id=document.pk)
    document.refresh_from_db()
    return document


@pytest.fixture
def certificate(jury, staff_a):  # noqa: F811 - the imported fixture
    return generate_certificate(jury.alice, staff_a)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
