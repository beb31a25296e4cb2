"""What the shared app itself declares in the registry: the labels of common audit data keys."""

from django.utils.translation import gettext_lazy as _

from .registry import declare_event, declare_labels


def register() -> None:
    declare_event(
        "cqpm.bulk.started",
        _("Traitement groupé lancé"),
        _("{actor} a lancé un traitement groupé : {object}."),
    )
    declare_labels(
        fields={
            "reason": _("Motif"),
            "comment": _("Commentaire"),
            "status": _("Statut"),
            "total": _("Nombre d'éléments"),
        }
    )
    # The kind of a bulk job, not of a document (documents label "kind" for their entries).
    declare_labels(fields={"kind": _("Nature")}, of="cqpm.bulk.started")
