"""Demo data of this app, called by `manage.py seed_demo` after deliberations.demo.

The documents of every closed demo jury are generated here, synchronously (no worker needed),
with their batch archive, while its campaign is at the jury; a campaign whose demo target is
"closed" is then closed (`ctx.reach`). Idempotent: a session whose latest batch is complete,
archived and without failure is left alone; without a closed jury there is nothing to do.
"""

from candidates.models import Campaign
from deliberations.models import JurySession

from .models import Document
from .selectors import latest_batch
from .services import batch_archive, batch_is_complete, batch_request, document_generate


def seed(*, ctx) -> None:
    campaigns = list(getattr(ctx, "campaigns", []))
    sessions = JurySession.objects.filter(
        campaign__in=campaigns, status=JurySession.Status.CLOSED
    ).select_related("campaign__centre")
    for session in sessions:
        staff = getattr(ctx, "accounts", {}).get("staff", {}).get(session.campaign.centre.code)
        if staff is None or _done(session):
            continue
        batch = batch_request(jury_session=session, by=staff)
        pending = batch.documents.filter(
            status__in=[Document.Status.QUEUED, Document.Status.FAILED]
        )
        for document_id in pending.values_list("pk", flat=True):
            try:
                document_generate(document_id=document_id)
            except Exception as error:  # recorded on the document; the demo goes on
                _say(ctx, f"Démo documents : échec du document {document_id} : {error}")
        batch_archive(batch=batch)
        _say(ctx, f"Démo documents : {batch.documents.count()} documents pour « {session} ».")
    reach = getattr(ctx, "reach", None)
    for campaign in campaigns if reach else []:
        if campaign.status == Campaign.Status.JURY:
            reach(campaign, Campaign.Status.CLOSED)  # moves only a campaign meant to be closed


def _done(session: JurySession) -> bool:
    batch = latest_batch(jury_session=session)
    return (
        batch is not None
        and bool(batch.archive)
        and batch_is_complete(batch=batch)
        and not batch.documents.filter(status=Document.Status.FAILED).exists()
    )


def _say(ctx, message: str) -> None:
    say = getattr(ctx, "say", None)
    if say is not None:
        say(message)
