"""What the documents app declares in the registry (cqpm.core.registry), and its reaction to an
amended jury decision."""

from functools import partial

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_labels,
    react,
    register_bulk_action,
    register_demo_seeder,
    register_home_tasks,
    register_section,
)

from . import events
from .events import DOCUMENT_READY, DOCUMENT_REVOKED  # noqa: F401 - reacted to


def register() -> None:
    from deliberations.events import DECISION_AMENDED, JURY_SESSION_DATED
    from deliberations.services.juries import JURY
    from evaluations.events import COMMISSION_SESSION_DATED
    from evaluations.services.commissions import COMMISSION

    from . import bulk, convocations, demo, home, sections
    from .models import Convocation, Document
    from .reactions import on_decision_amended

    register_demo_seeder("documents", demo.seed, order=50)
    register_section("documents", sections.registration_section, order=45)
    register_home_tasks("documents", home.tasks, order=50)
    register_home_tasks("documents.signatures", home.signature_tasks, order=45)
    events.declare()
    # First of an amendment's reactions: the documents (and, through their revocation, the
    # credential) go before the pack that lists them is marked to resend.
    react(DECISION_AMENDED, on_decision_amended, uid="documents.revoke_and_renew", order=10)
    # After the jury's date check (10): convoke only to a session that still fits.
    react(
        COMMISSION_SESSION_DATED,
        convocations.on_commission_session_dated,
        uid="documents.convocations.commission",
        order=20,
    )
    react(
        JURY_SESSION_DATED,
        convocations.on_jury_session_dated,
        uid="documents.convocations.jury",
        order=10,
    )
    # A cancelled session of either kind: those convoked to it are told (once, by e-mail after
    # the commit), with the convocation kind its declaration names.
    for kind in (COMMISSION, JURY):
        react(
            kind.cancelled_event,
            partial(convocations.on_session_called_off, kind.convocation),
            uid=f"documents.convocations.{kind.convocation}_called_off",
            order=10,
        )
    register_bulk_action(bulk.COMMISSION_CONVOCATIONS)
    register_bulk_action(bulk.JURY_CONVOCATIONS)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={"kind": _("Document"), "convocation": _("Convocation")},
        values={**dict(Document.Kind.choices), **dict(Document.Status.choices)},
    )
    # A convocation's kind ("jury": « Convocation au jury ») labels the convocation key only,
    # never the registration's stage of the same code.
    declare_labels(values=dict(Convocation.Kind.choices), of="convocation")


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
        "cqpm.convocation.printable",
        _("Convocation à imprimer"),
        _(
            "{actor} a préparé la convocation du candidat, sans adresse e-mail, à imprimer et "
            "lui remettre ({convocation}) : le {date} à {start_time}, lieu : {place}."
        ),
    ),
    (
        "cqpm.convocation.cancelled",
        _("Convocation annulée"),
        _(
            "{actor} a annulé la séance où le candidat était convoqué ({convocation}) : le "
            "{date} à {start_time}, lieu : {place} (motif : {reason}) ; la convocation est "
            "annulée et le candidat en est informé par e-mail s'il en a une adresse."
        ),
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
        "cqpm.documents.document.failed",
        _("Échec de la génération"),
        _("La génération du document {object} a échoué ; elle peut être relancée."),
    ),
    (
        "cqpm.documents.minutes.signed",
        _("Procès-verbal signé"),
        _(
            "{actor} a signé le procès-verbal {object} après une confirmation à deux facteurs "
            "({roles})."
        ),
    ),
    (
        "cqpm.documents.minutes.completed",
        _("Procès-verbal signé par tout le jury"),
        _("Toutes les signatures du procès-verbal {object} sont recueillies : il est scellé."),
    ),
    (
        "cqpm.documents.minutes.reminded",
        _("Signatures du procès-verbal relancées"),
        _("{actor} a relancé par e-mail les membres du jury qui n'ont pas signé {object}."),
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
