"""What the credentials app declares in the registry (cqpm.core.registry): its audit events, its
part of the certificates (document extras), and its reactions to revocations and amendments."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, on_hook, register_document_extra


def register() -> None:
    from deliberations.seams import DECISION_AMENDED
    from documents.seams import DOCUMENT_REVOKED

    from . import rendering, services

    register_document_extra(
        "credentials", pdf=rendering.pdf_extra, page=rendering.page_extra, order=10
    )
    on_hook(DOCUMENT_REVOKED, services.on_document_revoked, uid="credentials.revoke")
    on_hook(DECISION_AMENDED, services.on_decision_amended, uid="credentials.revoke_amended")
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)


EVENTS = [
    (
        "cqpm.credentials.credential.issued",
        _("Badge numérique émis"),
        _("Le badge numérique du certificat a été émis et signé."),
    ),
    (
        "cqpm.credentials.credential.resigned",
        _("Badge numérique anonymisé"),
        _("Le badge numérique du certificat a été signé à nouveau sans les données effacées."),
    ),
    (
        "cqpm.credentials.credential.revoked",
        _("Badge numérique révoqué"),
        _("{actor} a révoqué le badge numérique du certificat (motif : {reason})."),
    ),
]
