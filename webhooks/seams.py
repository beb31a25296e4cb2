"""What the webhooks app declares in the registry (cqpm.core.registry): its reactions to the
lifecycle hooks of candidates, deliberations and documents, its audit events, labels and
navigation. Nothing imports this app: it only listens."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, declare_labels, on_hook, register_nav


def register() -> None:
    from candidates.seams import REGISTRATIONS_CREATED
    from deliberations.seams import DECISION_AMENDED, DECISION_RECORDED, RESULTS_VALIDATED
    from documents.seams import DOCUMENT_READY, DOCUMENT_REVOKED

    from . import nav, reactions
    from .models import DeliveryEvent

    register_nav("webhooks", nav.items, order=70)
    for hook, handler in (
        (REGISTRATIONS_CREATED, reactions.on_registrations_created),
        (RESULTS_VALIDATED, reactions.on_results_validated),
        (DECISION_RECORDED, reactions.on_decision_recorded),
        (DECISION_AMENDED, reactions.on_decision_amended),
        (DOCUMENT_READY, reactions.on_document_ready),
        (DOCUMENT_REVOKED, reactions.on_document_revoked),
    ):
        on_hook(hook, handler, uid=f"webhooks.{hook}")
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
        values={code: label for code, label in DeliveryEvent.choices if code != "ping"},
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
