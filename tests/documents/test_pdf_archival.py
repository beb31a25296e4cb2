"""Generated documents are tagged PDF/A-3b and may carry associated files (read with pikepdf)."""

import io

import pikepdf
import pytest

from cqpm.core.pdf import render_pdf
from documents.models import Document
from documents.rendering import document_pdf
from documents.services import document_request

HTML = (
    '<html lang="fr"><head><title>Attestation de réussite</title>'
    '<meta name="dcterms.created" content="2027-05-15"></head>'
    "<body><h1>Attestation</h1><p>Éloïse Lefèvre</p></body></html>"
)
CREDENTIAL = ("credential.jwt", b"eyJhbGciOiJFUzI1NiJ9.eyJ0ZXN0Ijp0cnVlfQ.c2ln", "application/jwt")


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def assert_archival(pdf: pikepdf.Pdf, *, title: str) -> None:
    root = pdf.Root
    assert bool(root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in root
    assert str(root.Lang) == "fr"
    intent = root.OutputIntents[0]
    assert (intent.S, "sRGB" in str(intent.OutputConditionIdentifier)) == ("/GTS_PDFA1", True)
    assert "/DestOutputProfile" in intent
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        assert meta["dc:title"] == title
        assert meta["dc:language"] == {"fr"}
    fonts = [
        font
        for page in pdf.pages
        for font in page.Resources.get("/Font", {}).values()
        for font in font.get("/DescendantFonts", [font])
    ]
    assert fonts and all(
        any(key in font.FontDescriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        for font in fonts
    )


def test_it_writes_a_tagged_pdf_a_3b_with_its_output_intent_and_xmp():
    assert_archival(open_pdf(render_pdf(html=HTML)), title="Attestation de réussite")


def test_it_embeds_each_attachment_as_an_associated_file():
    filename, data, mime_type = CREDENTIAL

    pdf = open_pdf(render_pdf(html=HTML, attachments=[(*CREDENTIAL, "Attestation numérique")]))

    spec = pdf.attachments[filename]
    assert spec.get_file().read_bytes() == data
    assert (spec.get_file().mime_type, spec.description) == (mime_type, "Attestation numérique")
    assert spec.obj.AFRelationship == "/Data"
    associated = list(pdf.Root.AF)
    assert len(associated) == 1 and associated[0].objgen == spec.obj.objgen


def test_it_gives_the_same_bytes_for_the_same_input():
    attachments = [(*CREDENTIAL, "Attestation numérique")]

    first = render_pdf(html=HTML, attachments=attachments)
    second = render_pdf(html=HTML, attachments=attachments)

    assert first == second
    assert render_pdf(html=HTML) != first


def test_it_refuses_a_malformed_mime_type():
    with pytest.raises(ValueError, match="invalide"):
        render_pdf(html=HTML, attachments=[("a.txt", b"x", "text/plain,evil", "x")])


@pytest.mark.parametrize(
    ("kind", "source", "title"),
    [
        (Document.Kind.CERTIFICATE, "alice", "Attestation de réussite — "),
        (Document.Kind.CAPACITY_NOTICE, "bob", "Notification des capacités acquises — "),
        (Document.Kind.JURY_MINUTES, "session", "Procès-verbal du jury du 15/05/2027"),
    ],
)
def test_every_generated_document_is_archival_and_reproducible(jury, staff_a, kind, source, title):
    key = "jury_session" if source == "session" else "registration"
    document = document_request(kind=kind, by=staff_a, **{key: getattr(jury, source)})

    data = document_pdf(document)

    pdf = open_pdf(data)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        full_title = meta["dc:title"]
    assert full_title.startswith(title)
    assert_archival(pdf, title=full_title)
    assert document_pdf(document) == data
