"""cqpm.core.pdf: A4 PDFs with embedded fonts, and a fetcher that reads only static files."""

import http.server
import logging
import threading
from pathlib import Path

import pytest
from django.conf import settings

from cqpm.core import pdf


def page_texts(document) -> list[str]:
    """The text of every box of every laid-out page, margin boxes included."""

    def walk(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    return [" ".join(walk(page._page_box)) for page in document.pages]


def test_it_renders_a_pdf_on_a4_with_the_embedded_fonts():
    document = pdf.layout_pdf(html="<h1>Attestation</h1><p>Éloïse Lefèvre</p>")
    data = document.write_pdf()

    assert data.startswith(b"%PDF-")
    assert len(document.pages) == 1
    width_mm, height_mm = (
        v * 25.4 / 96 for v in (document.pages[0].width, document.pages[0].height)
    )
    assert (round(width_mm), round(height_mm)) == (210, 297)
    families = {font.family for font in document.fonts.values()}
    assert families == {"CQPM Sans"}  # the static DejaVu copies, not a system font


def test_it_shares_one_font_configuration_and_stylesheet_per_process():
    first = pdf._process_state()
    pdf.render_pdf(html="<p>un</p>")

    assert pdf._process_state() == first


def test_it_numbers_pages_with_css_counters():
    html = (
        "<style>@page { @bottom-center { content: 'Page ' counter(page) ' / ' counter(pages) } }"
        "</style><p>un</p><p style='break-before: page'>deux</p>"
    )

    texts = page_texts(pdf.layout_pdf(html=html))

    assert ["Page 1 / 2" in texts[0], "Page 2 / 2" in texts[1]] == [True, True]


@pytest.fixture
def http_server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"p { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_it_never_fetches_http_urls_or_files_outside_static(http_server, caplog, tmp_path):
    base, hits = http_server
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: blue }")
    html = (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<img src="{base}/logo.png"><img src="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        '<img src="pdf/../../../../../etc/hostname"><p>Texte</p>'
    )

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render_pdf(html=html)

    assert data.startswith(b"%PDF")
    assert hits == []
    refused = [r.getMessage() for r in caplog.records if "refus" in r.getMessage()]
    assert len(refused) == 5


def test_it_serves_static_files_and_data_uris():
    fetcher = pdf.StaticOnlyURLFetcher(pdf.static_roots())
    font = Path(settings.STATICFILES_DIRS[0]) / "pdf" / "fonts" / "DejaVuSans.ttf"

    static = fetcher.fetch(font.as_uri())
    inline = fetcher.fetch("data:text/plain;base64,Qm9uam91cg==")

    assert static.read()[:4] == font.read_bytes()[:4]
    assert inline.read() == b"Bonjour"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/logo.png",
        "https://exemple.fr/logo.png",
        "ftp://exemple.fr/logo.png",
        "file://autre-machine/static/pdf/base.css",
    ],
)
def test_it_refuses_every_other_url(url):
    fetcher = pdf.StaticOnlyURLFetcher(pdf.static_roots())

    with pytest.raises(ValueError, match="refusé"):
        fetcher.fetch(url)


def test_it_refuses_a_symlink_leading_out_of_static(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "lien.txt").symlink_to("/etc/hostname")
    fetcher = pdf.StaticOnlyURLFetcher([root])

    with pytest.raises(ValueError, match="refusé"):
        fetcher.fetch((root / "lien.txt").as_uri())
