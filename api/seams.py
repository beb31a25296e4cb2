"""What the api app declares in the registry (cqpm.core.registry): the audit events of tokens,
the labels of their data, and the navigation entry to the tokens page."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, declare_labels, register_nav

EVENTS = [
    (
        "cqpm.api.token.created",
        _("Jeton d'API créé"),
        _("{actor} a créé le jeton d'API « {name} » ({scope})."),
    ),
    (
        "cqpm.api.token.revoked",
        _("Jeton d'API révoqué"),
        _("{actor} a révoqué le jeton d'API « {name} »."),
    ),
]


def register() -> None:
    from . import nav

    register_nav("api", nav.items, order=90)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={"scope": _("Portée")},
        values={"read_only": _("lecture seule"), "read_write": _("lecture-écriture")},
    )
