"""Content-Security-Policy: same-origin scripts and styles only, and no template served to a browser
carries inline code the policy would block (the browser journey checks the rendered pages)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Rendered by WeasyPrint or read in a mail client, never under the site's policy.
NOT_BROWSER_PAGES = ("/pdf/", "/email/")
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\shx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _browser_templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("cqpm/*/templates")]:
        for path in folder.rglob("*.html"):
            if not any(part in path.as_posix() for part in NOT_BROWSER_PAGES):
                yield path


def test_every_page_carries_the_policy(client):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_served_to_a_browser_has_inline_code():
    found = [
        f"{path.relative_to(ROOT)}: {kind}"
        for path in _browser_templates()
        for kind, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert len(list(_browser_templates())) > 50
    assert found == []


def test_htmx_is_configured_without_inline_styles_or_eval(client):
    html = client.get(reverse("account_login")).content.decode()

    assert '<meta name="htmx-config"' in html
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html
