"""What the transmissions app declares in the registry (cqpm.core.registry), and its reactions
to the jury's and the documents' events."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_labels,
    react,
    register_demo_seeder,
    register_home_item,
    register_nav,
)

from . import events
from .events import PACK_SENT  # noqa: F401 - reacted to


def register() -> None:
    from deliberations.events import DECISION_AMENDED, JURY_SESSION_CLOSED
    from documents.events import DOCUMENT_READY

    from . import demo, nav
    from .models import PackReminder, PackSending, TransmissionPack
    from .services.packs import on_decision_amended, on_document_ready, on_jury_session_closed

    events.declare()
    register_nav("transmissions", nav.items, order=60)
    register_home_item("transmissions.overdue", nav.home_overdue, order=60)
    # After documents (50): the pack is built from the minutes and notices they generated.
    register_demo_seeder("transmissions", demo.seed, order=60)
    react(JURY_SESSION_CLOSED, on_jury_session_closed, uid="transmissions.open_pack", order=20)
    # After the documents (10): the pack is marked to resend once its documents are revoked.
    react(DECISION_AMENDED, on_decision_amended, uid="transmissions.to_resend", order=20)
    react(DOCUMENT_READY, on_document_ready, uid="transmissions.build_when_ready", order=20)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={
            "due_on": _("Échéance"),
            "sent_on": _("Envoyé le"),
            "channel": _("Moyen d'envoi"),
            "acknowledgement": _("Accusé de réception joint"),
            "recipients": _("Destinataires"),
            "reminder": _("Rappel"),
            "holder": _("Titulaire prévenu"),
            "blocks": _("Blocs de compétences"),
            "files": _("Fichiers"),
        },
        values={
            **{k: v for k, v in TransmissionPack.Status.choices if k != "ready"},
            **dict(PackSending.Channel.choices),
            **dict(PackReminder.Kind.choices),
        },
    )


EVENTS = [
    (
        "cqpm.transmissions.pack.opened",
        _("Transmission au GTP ouverte"),
        _("La transmission au GTP du jury {object} est ouverte (échéance : {due_on})."),
    ),
    (
        "cqpm.transmissions.pack.built",
        _("Dossier de transmission constitué"),
        _("Le dossier de transmission {object} est constitué (version {version})."),
    ),
    (
        "cqpm.transmissions.pack.ready",
        _("Transmission prête"),
        _("La transmission {object} est prête à être envoyée."),
    ),
    (
        "cqpm.transmissions.pack.rebuild_requested",
        _("Dossier de transmission à reconstituer"),
        _("{actor} a demandé la reconstitution du dossier {object}."),
    ),
    (
        "cqpm.transmissions.sending.acknowledged",
        _("Accusé de réception du GTP joint"),
        _("{actor} a joint l'accusé de réception du GTP à l'envoi du {sent_on} ({object})."),
    ),
    (
        "cqpm.transmissions.pack.to_resend",
        _("Transmission à renvoyer"),
        _(
            "Une décision rectifiée après l'envoi ({before} → {after}) : "
            "la transmission {object} est à renvoyer."
        ),
    ),
    (
        "cqpm.transmissions.pack.outdated",
        _("Transmission à préparer de nouveau"),
        _(
            "Une décision rectifiée avant l'envoi ({before} → {after}) : "
            "le dossier {object} est préparé de nouveau."
        ),
    ),
    (
        "cqpm.transmissions.pack.minutes_signed",
        _("Procès-verbal signé : transmission à reconstituer"),
        _(
            "Le procès-verbal signé et scellé remplace celui, non signé, du dossier {object} : "
            "il est constitué de nouveau (à renvoyer s'il était envoyé)."
        ),
    ),
    (
        "cqpm.transmissions.pack.reminded",
        _("Rappel de transmission envoyé"),
        _("Rappel « {reminder} » envoyé au personnel du centre pour la transmission {object}."),
    ),
    (
        "cqpm.transmissions.capacities.expiry_notified",
        _("Expiration prochaine des capacités annoncée"),
        _(
            "Les capacités {capacities}, valables jusqu'au {valid_until}, arrivent à expiration : "
            "le titulaire et le centre ont été prévenus."
        ),
    ),
    (
        "cqpm.transmissions.blocks.expiry_notified",
        _("Expiration prochaine des blocs de compétences annoncée"),
        _(
            "Les blocs de compétences {blocks}, valables jusqu'au {valid_until}, arrivent à "
            "expiration : le titulaire et le centre ont été prévenus."
        ),
    ),
]
