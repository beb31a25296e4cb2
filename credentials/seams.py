"""What the credentials app declares in the registry (cqpm.core.registry): its audit events, its
part of the certificates (document extras), and its reaction to a revoked certificate."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, react, register_document_extra


def register() -> None:
    from documents.events import DOCUMENT_REQUESTED, DOCUMENT_REVOKED

    from . import rendering, services

    register_document_extra(
        "credentials", pdf=rendering.pdf_extra, page=rendering.page_extra, order=10
    )
    # A certificate's credential is issued with its version, for the decision in force (the
    # first request, or the renewal after an amendment), before the PDF that shows it renders.
    react(DOCUMENT_REQUESTED, services.on_document_requested, uid="credentials.issue", order=10)
    # The one path by which a credential is revoked: its certificate's revocation (an amended
    # decision revokes the certificate, and the credential goes with it).
    react(DOCUMENT_REVOKED, services.on_document_revoked, uid="credentials.revoke", order=10)
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
