"""What the shared app itself declares in the registry: the labels of common audit data keys."""

from django.utils.translation import gettext_lazy as _

from .registry import declare_labels


def register() -> None:
    declare_labels(
        fields={
            "reason": _("Motif"),
            "comment": _("Commentaire"),
            "status": _("Statut"),
        }
    )
