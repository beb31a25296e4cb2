"""Bulk action of the deliberations app (cqpm.core.registry.BulkAction): staff put several
candidates before a jury session; each goes through `jury_candidates_assign`, the service the
single assignment uses, one registration per call."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from candidates.models import Registration
from cqpm.core.access import scope
from cqpm.core.registry import BulkAction

from .models import JurySession
from .selectors import jury_session_staff_list_for
from .services.juries import jury_candidates_assign


def _session(*, user, pk):
    return (
        jury_session_staff_list_for(user=user)
        .exclude(status=JurySession.Status.CLOSED)
        .filter(pk=pk)
        .first()
    )


def _registrations(*, user, context):
    # Every registration of the session's campaign: the service refuses, with its reason, those
    # that cannot be put before this jury (withdrawn, already before a jury…).
    return (
        scope(user, "registration.manage", Registration.objects.all())
        .filter(campaign_id=context.campaign_id)
        .select_related("candidate")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


JURY_SEATING = BulkAction(
    kind="jury-presenter",
    title=_lazy("Présenter des candidats au jury"),
    summary=_lazy(
        "{count} candidat(s) seront présentés à ce jury ; ceux qui ne peuvent pas l'être "
        "(désinscrits, déjà présentés à un jury…) seront signalés avec la raison."
    ),
    context=_session,
    scope=_registrations,
    run=lambda *, obj, by, context: jury_candidates_assign(
        session=context, registrations=[obj], by=by
    ),
    describe=lambda registration: str(registration.candidate),
    back=lambda context: reverse("deliberations:jury_candidates", args=[context.pk]),
    centre_of=lambda context: context.campaign.centre_id,
)
