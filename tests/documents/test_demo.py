"""The demo seeder generates the documents of the closed demo juries, once."""

from types import SimpleNamespace

from documents.demo import seed
from documents.models import Document, DocumentBatch


def test_it_generates_the_closed_jury_documents_once(jury, staff_a, centre_a):
    said: list[str] = []
    ctx = SimpleNamespace(
        campaigns=[jury.campaign], accounts={"staff": {centre_a.code: staff_a}}, say=said.append
    )

    seed(ctx=ctx)
    seed(ctx=ctx)

    documents = Document.objects.all()
    assert documents.count() == 3
    assert {d.status for d in documents} == {Document.Status.READY}
    batch = DocumentBatch.objects.get()
    assert batch.archive
    assert said == [f"Démo documents : 3 documents pour « {jury.session} »."]


def test_it_does_nothing_without_a_closed_jury(db):
    seed(ctx=SimpleNamespace(campaigns=[], accounts={}))

    assert not Document.objects.exists()


def test_seed_demo_shows_a_closed_campaign_and_an_amended_certificate(
    db, settings, tmp_path, client
):
    """Every state can be seen: a closed campaign with its certificates, and in it one decision
    amended after its certificate was issued (certificate revoked, its replacement ready)."""
    import io

    from django.core.management import call_command
    from django.urls import reverse

    from candidates.models import Campaign
    from deliberations.models import Decision

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: amended once, not twice

    # One per demo centre; the statistics' history campaigns (stats demo) are closed too.
    closed = Campaign.objects.filter(status=Campaign.Status.CLOSED).exclude(
        name__endswith="(historique)"
    )
    assert closed.count() == 2
    for campaign in closed:
        certificates = Document.objects.filter(
            kind=Document.Kind.CERTIFICATE, registration__campaign=campaign
        )
        assert certificates.filter(status=Document.Status.READY).exists()
        (amendment,) = Decision.objects.filter(session__campaign=campaign, supersedes__isnull=False)
        revoked = certificates.get(status=Document.Status.REVOKED)
        assert revoked.decision_id == amendment.supersedes_id
        replacement = Document.objects.get(decision=amendment)
        assert replacement.status == Document.Status.READY
        page = client.get(reverse("documents:verify", args=[revoked.verification_code]))
        body = page.content.decode()
        assert page.status_code == 200, body[-1500:]
        assert "authentique et valide" not in body
        assert "Document authentique mais révoqué" in body
        page = client.get(reverse("documents:verify", args=[replacement.verification_code]))
        assert "Document authentique et valide." in page.content.decode()
