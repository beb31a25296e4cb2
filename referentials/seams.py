"""What the referentials app declares in the registry (cqpm.core.registry)."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, register_nav

from . import events
from .events import VERSION_ARCHIVING  # noqa: F401 - the name other apps react to


def register() -> None:
    from . import nav

    register_nav("referentials", nav.items, order=10)
    events.declare()
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
        "cqpm.referentials.referential.rncp_updated",
        _("Enregistrement RNCP modifié"),
        _("{actor} a modifié l'enregistrement au RNCP du référentiel {object}."),
    ),
    (
        "cqpm.referentials.referential.archived",
        _("Référentiel archivé"),
        _("{actor} a archivé le référentiel {object}."),
    ),
]
