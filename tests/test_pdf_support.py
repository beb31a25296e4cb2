"""The QR-code counter of tests/pdf_support.py tells none, one and two codes apart on a PDF made
as the documents are (inline SVG, 22 mm, WeasyPrint), whatever text surrounds them."""

import pytest

from cqpm.core.pdf import render_pdf
from documents.rendering import qr_svg

from .pdf_support import pdf_text, qr_codes, raster_images

URL = "http://localhost:46975/verifier/cc1520a758f108301c5e33f39183b3f9/"
TEXT = "<p>Procès-verbal — 60 avenue Jean Mermoz, 69008 Lyon ■ ● O @ 0 8 B.</p>" * 20


def _pdf(codes: int) -> bytes:
    qr = f'<div style="width:22mm;height:22mm;margin:10mm">{qr_svg(URL)}</div>'
    body = TEXT + qr * codes
    html = f"<html lang='fr'><head><title>Essai</title></head><body>{body}</body></html>"
    return render_pdf(html=html, sealed=False)


@pytest.mark.parametrize("codes", [0, 1, 2])
def test_it_counts_the_qr_codes_drawn_as_vectors(codes):
    pdf = _pdf(codes)
    assert qr_codes(pdf) == codes
    assert raster_images(pdf) == 0  # vectors: pdfimages sees none
    assert "69008 Lyon" in pdf_text(pdf)
