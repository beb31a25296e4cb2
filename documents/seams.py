"""What the documents app declares in the registry (cqpm.core.registry), and its reaction to an
amended jury decision."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_hook,
    declare_labels,
    on_hook,
    register_bulk_action,
    register_demo_seeder,
    register_home_tasks,
)

# Fired inside the transaction that records a generated document as ready (stored and hashed):
# payload document=<Document>.
DOCUMENT_READY = "documents.document_ready"
# Fired inside the transaction that revokes a document: payload document=<Document>, reason=<str>,
# by=<User | None>.
DOCUMENT_REVOKED = "documents.document_revoked"


def register() -> None:
    from deliberations.seams import DECISION_AMENDED, JURY_SESSION_DATED
    from evaluations.seams import COMMISSION_SESSION_DATED

    from . import bulk, convocations, demo, home
    from .models import Convocation, Document
    from .reactions import on_decision_amended

    register_demo_seeder("documents", demo.seed, order=50)
    register_home_tasks("documents", home.tasks, order=50)
    declare_hook(DOCUMENT_READY, doc="A document was generated, stored and hashed (document).")
    declare_hook(
        DOCUMENT_REVOKED,
        doc="A document was revoked (document, reason, by), inside the revocation's transaction.",
    )
    on_hook(DECISION_AMENDED, on_decision_amended, uid="documents.revoke_and_renew")
    on_hook(
        COMMISSION_SESSION_DATED,
        convocations.on_commission_session_dated,
        uid="documents.convocations.commission",
    )
    on_hook(
        JURY_SESSION_DATED, convocations.on_jury_session_dated, uid="documents.convocations.jury"
    )
    register_bulk_action(bulk.COMMISSION_CONVOCATIONS)
    register_bulk_action(bulk.JURY_CONVOCATIONS)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={"kind": _("Document"), "convocation": _("Convocation")},
        values={
            **dict(Document.Kind.choices),
            **dict(Document.Status.choices),
            **dict(Convocation.Kind.choices),
        },
    )


EVENTS = [
    (
        "cqpm.convocation.sent",
        _("Convocation envoyée"),
        _(
            "{actor} a convoqué le candidat par e-mail, PDF joint ({convocation}) : le {date} "
            "à {start_time}, lieu : {place}."
        ),
    ),
    (
        "cqpm.convocation.resent",
        _("Nouvelle convocation envoyée"),
        _(
            "{actor} a convoqué à nouveau le candidat, la date, l'heure ou le lieu ayant changé "
            "({convocation}) : le {date} à {start_time}, lieu : {place}."
        ),
    ),
    (
        "cqpm.documents.document.requested",
        _("Document demandé"),
        _("{actor} a demandé le document « {kind} »."),
    ),
    (
        "cqpm.documents.document.retried",
        _("Document relancé"),
        _("{actor} a relancé la génération du document {object}."),
    ),
    (
        "cqpm.documents.document.requeued",
        _("Document remis en file"),
        _("La génération du document {object}, interrompue, a été relancée automatiquement."),
    ),
    (
        "cqpm.documents.document.generated",
        _("Document prêt"),
        _("Le document {object} a été généré et peut être téléchargé."),
    ),
    (
        "cqpm.documents.document.failed",
        _("Échec de la génération"),
        _("La génération du document {object} a échoué ; elle peut être relancée."),
    ),
    (
        "cqpm.documents.document.revoked",
        _("Document révoqué"),
        _("Le document {object} a été révoqué (motif : {reason})."),
    ),
    (
        "cqpm.documents.batch.requested",
        _("Documents du jury demandés"),
        _("{actor} a demandé les documents du jury {object}."),
    ),
    (
        "cqpm.documents.batch.archived",
        _("Archive des documents prête"),
        _("L'archive des documents {object} est prête."),
    ),
]
