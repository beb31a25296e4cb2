"""Bulk actions of the evaluations app (cqpm.core.registry.BulkAction): the resource centre
approves several dossiers; each item goes through the single action's service."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cqpm.core.registry import BulkAction

from .selectors import dossier_list_for_reviewer
from .services.dossiers import dossier_approve


def _dossiers(*, user, context):
    return dossier_list_for_reviewer(user=user)


def _approve(*, obj, by, context) -> None:
    dossier_approve(dossier=obj, by=by)


def _describe_dossier(dossier) -> str:
    registration = dossier.registration
    return _("Dossier de %(candidate)s (%(centre)s)") % {
        "candidate": registration.candidate,
        "centre": registration.campaign.centre.name,
    }


DOSSIER_APPROVE = BulkAction(
    kind="dossiers-approuver",
    title=_lazy("Approuver des dossiers d'évaluation"),
    summary=_lazy(
        "{count} dossier(s) d'évaluation seront approuvés : chacun sera alors figé et son centre "
        "d'examen pourra poursuivre."
    ),
    scope=_dossiers,
    run=_approve,
    describe=_describe_dossier,
    back=lambda context: reverse("evaluations:review_queue"),
)
