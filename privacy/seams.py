"""What the privacy app declares in the registry (cqpm.core.registry): its audit events, the
redacted reading of older audit entries after an erasure, its navigation and its registration
page section."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from cqpm.core.navigation import NavItem
from cqpm.core.registry import (
    declare_event,
    declare_labels,
    register_audit_redactor,
    register_nav,
    register_section,
)

EVENTS = [
    (
        "cqpm.privacy.person.exported",
        _("Données personnelles exportées"),
        _("{actor} a exporté les données personnelles de la personne ({format})."),
    ),
    (
        "cqpm.privacy.person.erased",
        _("Données personnelles effacées"),
        _("{actor} a effacé les données personnelles de la personne ({source})."),
    ),
    (
        "cqpm.privacy.evidence.purged",
        _("Rapport supprimé (conservation)"),
        _(
            "Le fichier du rapport (version {version}) a été supprimé : "
            "durée de conservation échue."
        ),
    ),
]


def register() -> None:
    from .models import Erasure
    from .redaction import apply_redactions

    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={"format": _("Format"), "version": _("Version")},
        values={**dict(Erasure.Source.choices), "json": "JSON", "pdf": "PDF"},
    )
    declare_labels(
        fields={"files": _("Fichiers supprimés"), "missing_files": _("Fichiers déjà manquants")},
        of="cqpm.privacy.person.erased",
    )
    register_audit_redactor("privacy.erasures", apply_redactions, order=10)
    register_nav("privacy", nav_items, order=80)
    register_section("privacy", registration_section, order=90)


def nav_items(user) -> list[NavItem]:
    from candidates.selectors import is_centre_staff

    if not is_centre_staff(user=user):
        return []
    return [
        NavItem(
            _g("Données personnelles"),
            reverse("privacy:person_search"),
            _g("Exporter, rectifier ou effacer les données d'une personne ; conservation."),
        )
    ]


def registration_section(request, registration) -> str:
    from cqpm.core.access import can

    if not can(request.user, "registration.manage", registration):
        return ""
    return render_to_string(
        "privacy/_registration_section.html", {"registration": registration}, request=request
    )
