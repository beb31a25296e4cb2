"""Bulk actions of the documents app: send the convocations of a commission or jury session.
Each candidate goes through `convocation_send`, the single action's service, in the worker."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from candidates.models import Registration
from cqpm.core.access import scope
from cqpm.core.registry import BulkAction
from deliberations.models import JurySession
from evaluations.models import CommissionSession

from .convocations import convocation_send
from .kinds import INTERVIEW_CONVOCATION, JURY_CONVOCATION


def _commission(*, user, pk):
    return (
        scope(user, "commission_session.manage", CommissionSession.objects.all())
        .filter(cancelled_at__isnull=True)
        .select_related("campaign")
        .filter(pk=pk)
        .first()
    )


def _jury(*, user, pk):
    return (
        scope(user, "jury_session.manage", JurySession.objects.all())
        .filter(status=JurySession.Status.PLANNED)
        .select_related("campaign")
        .filter(pk=pk)
        .first()
    )


def _registrations(user):
    """The registrations the user manages, in the order the bulk page lists them."""
    return (
        scope(user, "registration.manage", Registration.objects.all())
        .select_related("candidate", "campaign__centre", "tutor")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


def _describe(registration) -> str:
    return str(registration.candidate)


COMMISSION_CONVOCATIONS = BulkAction(
    kind="convocations-commission",
    title=_lazy("Envoyer les convocations à l'entretien"),
    summary=_lazy(
        "{count} candidat(s) recevront par e-mail leur convocation à l'entretien (PDF joint, "
        "copie à leur tuteur) ; ceux qui en ont déjà reçu une la recevront à nouveau ; pour ceux "
        "qui n'ont pas d'adresse e-mail, la convocation est préparée à imprimer (page de "
        "l'inscription)."
    ),
    context=_commission,
    scope=lambda *, user, context: _registrations(user).filter(
        commission_assignment__session=context
    ),
    run=lambda *, obj, by, context: convocation_send(
        registration=obj, kind=INTERVIEW_CONVOCATION.code, by=by
    ),
    describe=_describe,
    back=lambda context: reverse(
        "evaluations:session_detail", args=[context.campaign_id, context.pk]
    ),
    centre_of=lambda context: context.campaign.centre_id,
)

JURY_CONVOCATIONS = BulkAction(
    kind="convocations-jury",
    title=_lazy("Envoyer les convocations au jury"),
    summary=_lazy(
        "{count} candidat(s) recevront par e-mail leur convocation au jury (PDF joint, copie à "
        "leur tuteur) ; ceux qui en ont déjà reçu une la recevront à nouveau ; pour ceux qui n'ont "
        "pas d'adresse e-mail, la convocation est préparée à imprimer (page de l'inscription)."
    ),
    context=_jury,
    scope=lambda *, user, context: _registrations(user).filter(jury_seats__session=context),
    run=lambda *, obj, by, context: convocation_send(
        registration=obj, kind=JURY_CONVOCATION.code, by=by
    ),
    describe=_describe,
    back=lambda context: reverse("deliberations:jury_candidates", args=[context.pk]),
    centre_of=lambda context: context.campaign.centre_id,
)
