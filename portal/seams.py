"""What the candidate space declares in the registry (cqpm.core.registry): its audit events,
its menu entry, its home tasks, its section of the registration page, the bulk invitation and
its demo seeder."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_labels,
    register_bulk_action,
    register_demo_seeder,
    register_home_tasks,
    register_nav,
    register_section,
)

EVENTS = [
    (
        "cqpm.portal.candidate.invited",
        _("Candidat invité dans son espace"),
        _("{actor} a invité {object} dans son espace candidat ({email})."),
    ),
    (
        "cqpm.portal.convocation.acknowledged",
        _("Convocation confirmée par le candidat"),
        _("{actor} a confirmé sa présence ({object})."),
    ),
    (
        "cqpm.portal.convocation.declined",
        _("Empêchement signalé par le candidat"),
        _("{actor} a signalé ne pas pouvoir venir ({object}) : {reason}."),
    ),
    (
        "cqpm.portal.data.confirmed",
        _("Données confirmées par le candidat"),
        _("{actor} a confirmé que ses données sont exactes."),
    ),
    (
        "cqpm.portal.correction.requested",
        _("Rectification demandée par le candidat"),
        _("{actor} a demandé la rectification de ses données ({fields})."),
    ),
    (
        "cqpm.portal.correction.accepted",
        _("Demande de rectification acceptée"),
        _("{actor} a accepté la demande de rectification de {object}."),
    ),
    (
        "cqpm.portal.correction.refused",
        _("Demande de rectification refusée"),
        _("{actor} a refusé la demande de rectification de {object} : {reply}."),
    ),
]


def register() -> None:
    from . import bulk, demo, home, nav, sections
    from .models import ConvocationAnswer, CorrectionRequest

    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={"fields": _("Données"), "reply": _("Réponse"), "again": _("Nouvelle invitation")},
        values={
            **dict(ConvocationAnswer.Answer.choices),
            **dict(CorrectionRequest.Status.choices),
        },
    )
    register_nav("portal", nav.items, order=5)
    register_home_tasks("portal", home.tasks, order=5)
    register_section("portal", sections.registration_section, order=85)
    register_bulk_action(bulk.CANDIDATE_INVITATIONS)
    register_demo_seeder("portal", demo.seed, order=95)
