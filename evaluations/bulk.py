"""Bulk actions of the evaluations app (cqpm.core.registry.BulkAction): the resource centre
approves several dossiers; staff send or resend the company opinion invitations of a campaign.
Each item goes through the single action's service."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from candidates.models import Registration
from candidates.selectors import campaign_list_for
from cqpm.core.access import scope
from cqpm.core.registry import BulkAction

from .selectors import dossier_list_for_reviewer
from .services.dossiers import dossier_approve
from .services.opinions import opinion_invitation_send


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


def _campaign(*, user, pk):
    return campaign_list_for(user=user).filter(pk=pk).first()


def _campaign_registrations(*, user, context):
    return (
        scope(user, "registration.manage", Registration.objects.all())
        .filter(campaign=context)
        .select_related("candidate", "campaign__centre", "tutor")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


OPINION_INVITATIONS = BulkAction(
    kind="avis-invitations",
    title=_lazy("Envoyer ou renvoyer les invitations des tuteurs"),
    summary=_lazy(
        "{count} candidat(s) : leur tuteur sera invité par e-mail à donner l'avis de "
        "l'entreprise ; si un répondant est déjà désigné, son invitation lui sera renvoyée."
    ),
    context=_campaign,
    scope=_campaign_registrations,
    run=lambda *, obj, by, context: opinion_invitation_send(registration=obj, by=by),
    describe=lambda registration: str(registration.candidate),
    back=lambda context: reverse("evaluations:campaign_dossiers", args=[context.pk]),
    centre_of=lambda context: context.centre_id,
)
