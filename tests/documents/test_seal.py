"""The organisation's seal on every generated PDF: intact and covering the whole file by
pyHanko's own validation, the PDF/A-3b file and its credential kept, the same bytes twice."""

import datetime
import io

import pikepdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cqpm.core.pdf import render_pdf
from cqpm.core.seal import pdf_seal_check, seal_signer
from documents import services
from documents.models import Document

from ..seal_support import assert_sealed

Kind = Document.Kind
HTML = """<html lang="fr"><head><title>Attestation de réussite</title>
<meta name="dcterms.created" content="2027-05-15T00:00:00+02:00"></head>
<body><h1>Attestation</h1></body></html>"""


def test_render_pdf_seals_last_and_keeps_the_attachment():
    data = render_pdf(html=HTML, attachments=[("badge.jwt", b"eyJ", "application/jwt", "Badge")])

    assert_sealed(data)
    unsealed = render_pdf(
        html=HTML, attachments=[("badge.jwt", b"eyJ", "application/jwt", "Badge")], sealed=False
    )
    assert data.startswith(unsealed)  # an incremental update: the PDF/A file is untouched
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.attachments["badge.jwt"].get_file().read_bytes() == b"eyJ"
    assert render_pdf(html=HTML) == render_pdf(html=HTML)


def test_sealing_and_checking_work_inside_a_running_event_loop():
    """pyHanko calls asyncio.run(): a PDF rendered from async code (an ASGI server, a browser
    test's loop) is still sealed and checked."""
    import asyncio

    async def inside_a_loop():
        data = render_pdf(html=HTML)
        return data, pdf_seal_check(data)

    data, report = asyncio.run(inside_a_loop())
    assert_sealed(data)
    assert report.valid


def test_one_byte_changed_is_reported_altered():
    data = bytearray(render_pdf(html=HTML))
    assert pdf_seal_check(bytes(data)).valid
    offset = data.index(b"Attestation") if b"Attestation" in data else len(data) // 3
    data[offset] ^= 0x01

    report = pdf_seal_check(bytes(data))
    assert report.sealed and not report.valid


@pytest.mark.parametrize("garbage", [b"", b"%PDF-1.7\n", b"not a pdf at all" * 100])
def test_a_hostile_file_is_reported_unreadable_not_raised(garbage):
    report = pdf_seal_check(garbage)
    assert not report.valid and not report.sealed


@pytest.mark.django_db
def test_every_document_kind_is_sealed(jury, staff_a):
    requests = [
        {"kind": Kind.CERTIFICATE, "registration": jury.alice},
        {"kind": Kind.CAPACITY_NOTICE, "registration": jury.bob},
        {"kind": Kind.JURY_MINUTES, "jury_session": jury.session},
    ]
    for request in requests:
        document = services.document_request(**request, by=staff_a)
        document = services.document_generate(document_id=document.pk)
        with document.file.open("rb") as handle:
            assert_sealed(handle.read())


def test_a_wrong_passphrase_refuses_clearly(settings):
    settings.PDF_SEAL_PASSPHRASE = "wrong"
    with pytest.raises(ImproperlyConfigured, match="phrase secrète"):
        seal_signer()


def test_seal_keygen_makes_a_demo_certificate_once(tmp_path, settings):
    settings.PDF_SEAL_PKCS12_FILE = tmp_path / "seal" / "demo.p12"
    settings.PDF_SEAL_PASSPHRASE = ""
    out = io.StringIO()
    call_command("seal_keygen", "--if-missing", stdout=out)
    assert "DÉMONSTRATION" in out.getvalue()
    first = settings.PDF_SEAL_PKCS12_FILE.read_bytes()
    assert settings.PDF_SEAL_PKCS12_FILE.stat().st_mode & 0o077 == 0
    call_command("seal_keygen", "--if-missing", stdout=io.StringIO())
    assert settings.PDF_SEAL_PKCS12_FILE.read_bytes() == first
    assert "DÉMONSTRATION" in seal_signer().signing_cert.subject.human_friendly
    assert datetime.date.today() < seal_signer().signing_cert.not_valid_after.date()
