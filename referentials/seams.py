"""What the referentials app declares in the registry (cqpm.core.registry)."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, declare_hook, register_nav

# Fired inside the publication's transaction, before a published version is archived under a new
# one: payload referential=<Referential archived>, replaced_by=<Referential>. A handler raises
# DomainError (in French) to keep the version, e.g. while campaigns that are not over use it.
VERSION_ARCHIVING = "referentials.version_archiving"


def register() -> None:
    from . import nav

    register_nav("referentials", nav.items, order=10)
    declare_hook(
        VERSION_ARCHIVING,
        doc="A published version is about to be archived (referential, replaced_by); "
        "a handler raises DomainError to refuse.",
    )
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)


EVENTS = [
    (
        "cqpm.referentials.referential.imported",
        _("Référentiel importé"),
        _("{actor} a importé le référentiel {object}."),
    ),
    (
        "cqpm.referentials.referential.draft_created",
        _("Nouvelle version en préparation"),
        _("{actor} a ouvert une nouvelle version en préparation du référentiel {object}."),
    ),
    (
        "cqpm.referentials.referential.updated",
        _("Référentiel modifié"),
        _("{actor} a modifié la version en préparation du référentiel {object}."),
    ),
    (
        "cqpm.referentials.referential.published",
        _("Référentiel publié"),
        _("{actor} a publié le référentiel {object}."),
    ),
    (
        "cqpm.referentials.referential.archived",
        _("Référentiel archivé"),
        _("{actor} a archivé le référentiel {object}."),
    ),
]
