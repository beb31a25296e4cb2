"""Demo data of this app, called by `manage.py seed_demo` after documents.demo.

Every closed demo jury gets its transmission pack to the GTP opened (the closing hook usually
did it) and built here, synchronously, from the minutes and notices documents.demo generated
(any still missing are generated first, as a worker would): the tracker then shows it « prête »
with its due date, and on the staff home once overdue. Idempotent: a pack already built and up
to date is left alone.
"""

from deliberations.models import JurySession
from documents.models import Document
from documents.services import document_generate

from .services import pack_build, pack_open


def seed(*, ctx) -> None:
    campaigns = list(getattr(ctx, "campaigns", []))
    sessions = JurySession.objects.filter(
        campaign__in=campaigns, status=JurySession.Status.CLOSED
    ).select_related("campaign__centre")
    for session in sessions:
        staff = getattr(ctx, "accounts", {}).get("staff", {}).get(session.campaign.centre.code)
        if staff is None:
            continue
        pack = pack_open(session=session, by=staff)
        outcome = pack_build(pack_id=pack.pk)
        if outcome == "waiting":
            for document_id in _queued(session).values_list("pk", flat=True):
                document_generate(document_id=document_id)
            outcome = pack_build(pack_id=pack.pk)
        if outcome != "skipped":
            pack.refresh_from_db()
            _say(
                ctx,
                f"Démo transmissions : dossier de « {session} » "
                f"({pack.get_status_display()}, à transmettre avant le {pack.due_on:%d/%m/%Y}).",
            )


def _queued(session: JurySession):
    return Document.objects.filter(
        status=Document.Status.QUEUED, jury_session=session
    ) | Document.objects.filter(status=Document.Status.QUEUED, decision__session=session)


def _say(ctx, message: str) -> None:
    say = getattr(ctx, "say", None)
    if say is not None:
        say(message)
