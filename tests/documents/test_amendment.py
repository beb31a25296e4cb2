"""An amended jury decision revokes the documents it produced and queues new ones."""

from cqpm.core.registry import fire_hook
from deliberations.models import Decision
from deliberations.seams import DECISION_AMENDED
from documents import services
from documents.models import Document

from ..factories.documents import amend

Kind = Document.Kind
Status = Document.Status


def _generate_all(jury, by):
    batch = services.batch_request(jury_session=jury.session, by=by)
    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)
    return batch


def test_it_revokes_the_certificate_and_minutes_and_issues_a_notice(jury, staff_a, jury_president):
    batch = _generate_all(jury, staff_a)
    certificate = Document.objects.get(kind=Kind.CERTIFICATE)
    minutes = Document.objects.get(kind=Kind.JURY_MINUTES)
    new = amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        reason="Capacité 3 non acquise, erreur de report.",
        by=jury_president,
    )

    fire_hook(DECISION_AMENDED, old=jury.admissible, new=new, by=jury_president)

    certificate.refresh_from_db()
    minutes.refresh_from_db()
    assert certificate.status == minutes.status == Status.REVOKED
    assert "Capacité 3 non acquise" in certificate.revoked_reason
    notice = Document.objects.get(registration=jury.alice, kind=Kind.CAPACITY_NOTICE)
    assert (notice.status, notice.decision_id, notice.batch_id) == (
        Status.QUEUED,
        new.pk,
        batch.pk,
    )
    new_minutes = Document.objects.exclude(status=Status.REVOKED).get(kind=Kind.JURY_MINUTES)
    assert (new_minutes.version, new_minutes.status) == (2, Status.QUEUED)
    # The other candidate's notice is untouched.
    assert Document.objects.get(registration=jury.bob).status == Status.READY


def test_it_renews_the_same_kind_with_the_next_version(jury, staff_a, jury_president):
    _generate_all(jury, staff_a)
    new = amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ADMISSIBLE,
        reason="Correction du nom de l'entreprise.",
        by=jury_president,
    )

    fire_hook(DECISION_AMENDED, old=jury.admissible, new=new, by=jury_president)

    versions = list(
        Document.objects.filter(kind=Kind.CERTIFICATE)
        .order_by("version")
        .values_list("version", "status", "decision_id")
    )
    assert versions == [(1, Status.REVOKED, jury.admissible.pk), (2, Status.QUEUED, new.pk)]


def test_it_issues_nothing_new_when_nothing_had_been_issued(jury, jury_president):
    new = amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        reason="Erreur de saisie.",
        by=jury_president,
    )

    fire_hook(DECISION_AMENDED, old=jury.admissible, new=new, by=jury_president)

    assert not Document.objects.exists()


def test_it_issues_nothing_for_an_absent_candidate(jury, staff_a, jury_president):
    _generate_all(jury, staff_a)
    new = amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ABSENT,
        reason="La candidate était absente.",
        by=jury_president,
    )

    fire_hook(DECISION_AMENDED, old=jury.admissible, new=new, by=jury_president)

    assert not Document.objects.filter(registration=jury.alice).exclude(status=Status.REVOKED)


def test_a_stale_certificate_is_replaced_even_if_the_signal_was_missed(
    jury, staff_a, jury_president
):
    _generate_all(jury, staff_a)
    new = amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ADMISSIBLE,
        reason="Correction.",
        by=jury_president,
    )

    renewed = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    assert (renewed.version, renewed.decision_id) == (2, new.pk)
    assert Document.objects.get(kind=Kind.CERTIFICATE, version=1).status == Status.REVOKED
