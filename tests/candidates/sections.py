"""A stand-in for a later app's registration section (see cqpm.core.registry.register_section)."""

from django.utils.html import format_html


def dossier_section(request, registration) -> str:
    return format_html('<section id="dossier-{}"><h2>Dossier</h2></section>', registration.pk)
