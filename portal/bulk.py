"""Inviting many candidates at once from the candidates list (cqpm.core.registry.BulkAction):
each goes through `candidate_invite`, the single invitation's service."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from candidates.selectors import campaign_list_for
from cqpm.core.registry import BulkAction

from .selectors import registrations_for_invitation
from .services import candidate_invite


def _campaign(*, user, pk):
    return campaign_list_for(user=user).filter(pk=pk).first()


CANDIDATE_INVITATIONS = BulkAction(
    kind="candidats-inviter",
    title=_lazy("Inviter des candidats dans leur espace"),
    summary=_lazy(
        "{count} candidat(s) recevront un e-mail qui leur ouvre leur espace candidat : ils s'y "
        "connectent avec un code envoyé à leur adresse, sans mot de passe."
    ),
    context=_campaign,
    scope=lambda *, user, context: registrations_for_invitation(user=user, campaign=context),
    run=lambda *, obj, by, context: candidate_invite(registration=obj, by=by),
    describe=lambda registration: str(registration.candidate),
    back=lambda context: reverse("candidates:registration_list", args=[context.pk]),
    centre_of=lambda context: context.centre_id,
)
