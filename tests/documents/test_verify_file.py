"""/verifier/ checks an uploaded PDF: its seal, whether it is the very file issued, whether it
still holds; hostile or oversized files get a French message, never a 500."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentFile

pytestmark = pytest.mark.django_db
Kind = Document.Kind


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    return services.document_generate(document_id=document.pk)


def _upload(client, data: bytes, name="attestation.pdf"):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(reverse("documents:verify_form"), {"fichier": upload})


def _bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_issued_file_is_sealed_issued_and_valid(client, certificate):
    assert DocumentFile.objects.filter(document=certificate, sha256=certificate.sha256).exists()

    response = _upload(client, _bytes(certificate))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Sceau intact, apposé par" in content
    assert "C'est exactement le fichier que nous avons émis" in content
    assert "Document toujours valide." in content
    assert "LEFÈVRE" in content


def test_a_file_edited_by_one_byte_is_reported_altered(client, certificate):
    data = bytearray(_bytes(certificate))
    data[len(data) // 2] ^= 0x01

    content = _upload(client, bytes(data)).content.decode()

    assert "Sceau rompu : le fichier a été modifié après avoir été scellé." in content
    assert "Nous n'avons émis aucun fichier identique" in content
    assert "Document toujours valide." not in content


def test_a_revoked_document_is_no_longer_valid(client, certificate, staff_a):
    services.document_revoke(document=certificate, reason="Erreur de saisie.", by=staff_a)

    content = _upload(client, _bytes(certificate)).content.decode()

    assert "Sceau intact" in content
    assert "Document remplacé ou révoqué : il n'est plus valide." in content


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7\n%%EOF", b"\x00\xff" * 5000, b"%PDF-1.7\n1 0 obj << /Type /Catalog"],
)
def test_a_hostile_or_unsealed_file_gets_a_french_answer(client, data):
    response = _upload(client, data, name="x.pdf")

    content = response.content.decode()
    assert response.status_code == 200
    assert "pas un PDF lisible" in content or "aucun sceau" in content


def test_an_oversized_or_missing_file_is_refused_in_french(client, settings):
    settings.PDF_VERIFY_MAX_BYTES = 1024
    response = _upload(client, b"%PDF" + b"0" * 2048)
    assert response.status_code == 400
    assert "Le fichier dépasse" in response.content.decode()

    response = client.post(reverse("documents:verify_form"), {})
    assert response.status_code == 400
    assert "Choisissez le fichier PDF à vérifier." in response.content.decode()
