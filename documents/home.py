"""What the documents app puts on the staff's home (cqpm.core.registry.register_home_tasks):
closed jury sessions whose candidates' documents (certificates, notices) are still to generate
(the minutes are requested on closing, by the transmission to the GTP)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import holds, scope
from cqpm.core.navigation import HomeTask
from deliberations.models import JurySession


def tasks(user) -> list[HomeTask]:
    if not holds(user, "document_batch.manage"):
        return []
    sessions = (
        scope(user, "jury_session.manage", JurySession.objects.all())
        .filter(status=JurySession.Status.CLOSED)
        .annotate(n_documents=Count("documents", filter=Q(documents__registration__isnull=False)))
        .filter(n_documents=0)
        .select_related("campaign")
        .order_by("date", "pk")
    )
    return [
        HomeTask(
            s.campaign.name,
            _("Documents du jury du %(date)s à générer et envoyer")
            % {"date": s.date.strftime("%d/%m/%Y")},
            reverse("documents:session", args=[s.pk]),
            1,
            s.date,
            90,
        )
        for s in sessions
    ]


def signature_tasks(user) -> list[HomeTask]:
    """A jury member's « procès-verbal à signer », one per minutes awaiting them (one query)."""
    from .selectors import minutes_awaiting_signature_of

    return [
        HomeTask(
            session.campaign.name,
            _("Procès-verbal du jury du %(date)s à signer")
            % {"date": session.date.strftime("%d/%m/%Y")},
            reverse("documents:sign", args=[document.pk]),
            1,
            session.date,
            10,
        )
        for document in minutes_awaiting_signature_of(user=user)
        if (session := document.jury_session) is not None
    ]
