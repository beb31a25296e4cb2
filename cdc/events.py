"""The audit events of the deposit with the CDC (declared once: cqpm.core.registry)."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import declare_event, declare_labels

FLUX_GENERATED = "cqpm.cdc.flux.generated"
FLUX_DEPOSITED = "cqpm.cdc.flux.deposited"
REPORT_IMPORTED = "cqpm.cdc.report.imported"
HOLDER_DEPOSITED = "cqpm.cdc.holder.deposited"
HOLDER_ANSWERED = "cqpm.cdc.holder.answered"
HOLDER_WITHDRAWN = "cqpm.cdc.holder.withdrawn"

EVENTS = (
    (
        FLUX_GENERATED,
        _("Flux de dépôt à la CDC généré"),
        _("{actor} a généré le flux {object} ({holders} titulaires, {scope})."),
    ),
    (
        FLUX_DEPOSITED,
        _("Flux déposé à la CDC"),
        _("{actor} a enregistré le dépôt du flux {object} sur la plateforme de la CDC."),
    ),
    (
        REPORT_IMPORTED,
        _("Compte rendu de la CDC enregistré"),
        _("{actor} a joint le compte rendu de la CDC : {accepted} acceptés, {rejected} rejetés."),
    ),
    (
        HOLDER_DEPOSITED,
        _("Titulaire déposé à la CDC"),
        _("{actor} a déposé le titulaire à la CDC (flux {id_flux})."),
    ),
    (
        HOLDER_ANSWERED,
        _("Réponse de la CDC"),
        _("La CDC a répondu pour le flux {id_flux} : {after} (motif : {reason})."),
    ),
    (
        HOLDER_WITHDRAWN,
        _("Titulaire retiré à la CDC"),
        _("{actor} a retiré le titulaire sur la plateforme de la CDC."),
    ),
)


def declare() -> None:
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    labels = {
        "holders": _("Titulaires"),
        "scope": _("Périmètre"),
        "id_flux": _("Flux"),
        "id_technique": _("Identifiant technique"),
        "accepted": _("Acceptés"),
        "rejected": _("Rejetés"),
        "reason": _("Motif"),
    }
    for code, _label, _sentence in EVENTS:
        declare_labels(fields=labels, of=code)
