"""Demo data of this app, called by `manage.py seed_demo` after deliberations.demo.

The documents of every closed demo jury are generated here, synchronously (no worker needed),
with their batch archive, while its campaign is at the jury; a campaign whose demo target is
"closed" is then closed (`ctx.reach`), and there the president amends one admissible decision
after its certificate was issued: the certificate is revoked, the notice that replaces it and
the new minutes are generated. Idempotent: a session whose latest batch is complete, archived
and without failure is left alone, and a campaign with an amendment is not amended again.
"""

from candidates.models import Campaign
from deliberations.models import Decision, JurySession
from deliberations.services import jury_decision_amend

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
        if campaign.status == Campaign.Status.CLOSED:
            _amend_one(ctx, campaign)


AMENDMENT_REASON = (
    "Rectification après le jury (démonstration) : le rapport présenté n'était pas l'œuvre "
    "du candidat, fait établi après la délibération."
)


def _amend_one(ctx, campaign: Campaign) -> None:
    """The president amends one admissible decision whose certificate is ready, then the
    documents the amendment queued are generated here, as a worker would."""
    if Decision.objects.filter(session__campaign=campaign, supersedes__isnull=False).exists():
        return
    president = getattr(ctx, "accounts", {}).get("jury_president", {}).get(campaign.centre.code)
    certified = (
        Document.objects.filter(
            kind=Document.Kind.CERTIFICATE,
            status=Document.Status.READY,
            registration__campaign=campaign,
            decision__is_active=True,
        )
        .select_related("decision")
        .order_by("pk")
        .first()
    )
    if president is None or certified is None:
        return
    jury_decision_amend(
        decision=certified.decision,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        reason=AMENDMENT_REASON,
        jury_reason=AMENDMENT_REASON,
        by=president,
    )
    queued = Document.objects.filter(
        status=Document.Status.QUEUED, jury_session__campaign=campaign
    ) | Document.objects.filter(status=Document.Status.QUEUED, registration__campaign=campaign)
    for document_id in queued.values_list("pk", flat=True):
        document_generate(document_id=document_id)
    for batch in {d.batch for d in Document.objects.filter(batch__jury_session__campaign=campaign)}:
        if batch is not None and batch_is_complete(batch=batch):
            batch_archive(batch=batch)
    _say(ctx, f"Démo documents : décision rectifiée dans « {campaign.name} ».")


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
