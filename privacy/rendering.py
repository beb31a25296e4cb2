"""The export as a readable French PDF, rendered in the request: one person's data is a few
pages (measured in tests/privacy), and rendering on demand keeps no second stored copy of the
personal data that an erasure would then have to find."""

from typing import Any

from django.template.loader import render_to_string

from cqpm.core.pdf import render_pdf


def export_pdf(data: dict[str, Any]) -> bytes:
    return render_pdf(html=render_to_string("privacy/pdf/export.html", {"export": data}))
