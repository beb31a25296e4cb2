"""What the webhooks app declares in the registry (cqpm.core.registry): a reaction to every event
declared with a webhook code, its audit events, labels and navigation. Nothing imports this app:
it only listens."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, declare_labels, react, register_nav, webhook_events

# After every other reaction: a partner hears of the change as the other apps left it.
WEBHOOK_ORDER = 900


def register() -> None:
    from . import nav, reactions
    from .models import Event

    register_nav("webhooks", nav.items, order=70)
    for event in webhook_events():
        if event.code not in reactions.BUILDERS:
            raise ImproperlyConfigured(
                f"Webhook event {event.webhook!r} ({event.code}) has no builder in "
                "webhooks/reactions.py."
            )
        react(event.code, reactions.reaction_for(event), uid="webhooks", order=WEBHOOK_ORDER)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={
            "url": _("Adresse"),
            "events": _("Événements"),
            "is_active": _("Actif"),
            "description": _("Description"),
            "delivery": _("Envoi"),
            "attempts": _("Tentatives"),
        },
        values=dict(Event.choices),
        of="events",
    )


EVENTS = [
    (
        "cqpm.webhooks.endpoint.created",
        _("Point de réception webhook ajouté"),
        _("{actor} a ajouté le point de réception webhook {object}."),
    ),
    (
        "cqpm.webhooks.endpoint.updated",
        _("Point de réception webhook modifié"),
        _("{actor} a modifié le point de réception webhook {object}."),
    ),
    (
        "cqpm.webhooks.endpoint.secret_rotated",
        _("Secret de signature renouvelé"),
        _("{actor} a renouvelé le secret de signature du point de réception {object}."),
    ),
    (
        "cqpm.webhooks.endpoint.pinged",
        _("Test de connexion envoyé"),
        _("{actor} a envoyé un test de connexion au point de réception {object}."),
    ),
    (
        "cqpm.webhooks.delivery.replayed",
        _("Envoi webhook rejoué"),
        _("{actor} a rejoué l'envoi webhook {object}."),
    ),
]
