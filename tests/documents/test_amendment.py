"""An amended jury decision revokes the documents it founded and queues new ones, in the
amendment's own transaction (deliberations.services.jury_decision_amend fires the hook)."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from candidates.models import Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import CapacityResult, Decision
from deliberations.services import jury_decision_amend
from documents import reactions, services
from documents.models import Document

from ..factories.documents import amend

Kind = Document.Kind
Status = Document.Status
Outcome = Decision.Outcome


def _generate_all(jury, by):
    batch = services.batch_request(jury_session=jury.session, by=by)
    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)
    return batch


def _capacity_not_acquired(registration, number):
    """What the commission leaves when it corrects one capacity to « non acquise »."""
    CapacityResult.objects.filter(sheet__registration=registration, capacity__number=number).update(
        outcome=CapacityResult.Outcome.NOT_ACQUIRED, justification="Erreur de report."
    )


def _capacity_acquired(registration, number):
    CapacityResult.objects.filter(sheet__registration=registration, capacity__number=number).update(
        outcome=CapacityResult.Outcome.ACQUIRED, justification=""
    )


def _live(**filters):
    return Document.objects.exclude(status=Status.REVOKED).filter(**filters)


def test_it_revokes_the_certificate_and_minutes_and_issues_a_notice(
    jury, staff_a, jury_president, django_capture_on_commit_callbacks
):
    batch = _generate_all(jury, staff_a)
    certificate = Document.objects.get(kind=Kind.CERTIFICATE)
    minutes = Document.objects.get(kind=Kind.JURY_MINUTES)
    _capacity_not_acquired(jury.alice, 3)

    with django_capture_on_commit_callbacks() as sends:
        new = jury_decision_amend(
            decision=jury.admissible,
            outcome=Outcome.NOT_ADMISSIBLE,
            reason="Capacité 3 non acquise, erreur de report.",
            by=jury_president,
        )

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
    new_minutes = _live(kind=Kind.JURY_MINUTES).get()
    assert (new_minutes.version, new_minutes.status) == (2, Status.QUEUED)
    # Only the renders wait for the commit: the notice and the new minutes.
    assert len(sends) == 2
    # The other candidate's notice is untouched.
    assert Document.objects.get(registration=jury.bob).status == Status.READY
    revoked = AuditEntry.objects.filter(action="cqpm.documents.document.revoked")
    assert {e.object_id for e in revoked} == {str(certificate.pk), str(minutes.pk)}
    assert all(e.actor_id == jury_president.pk for e in revoked)


def test_it_renews_the_same_kind_with_the_next_version(jury, staff_a, jury_president):
    _generate_all(jury, staff_a)
    _capacity_not_acquired(jury.alice, 3)
    first = jury_decision_amend(
        decision=jury.admissible,
        outcome=Outcome.NOT_ADMISSIBLE,
        reason="Capacité 3 non acquise.",
        by=jury_president,
    )
    _capacity_acquired(jury.alice, 3)

    second = jury_decision_amend(
        decision=first,
        outcome=Outcome.ADMISSIBLE,
        reason="La commission a rétabli la capacité 3.",
        by=jury_president,
    )

    versions = list(
        Document.objects.filter(kind=Kind.CERTIFICATE)
        .order_by("version")
        .values_list("version", "status", "decision_id")
    )
    assert versions == [(1, Status.REVOKED, jury.admissible.pk), (2, Status.QUEUED, second.pk)]
    notice = Document.objects.get(kind=Kind.CAPACITY_NOTICE, registration=jury.alice)
    assert notice.status == Status.REVOKED
    assert list(
        Document.objects.filter(kind=Kind.JURY_MINUTES)
        .order_by("version")
        .values_list("version", "status")
    ) == [(1, Status.REVOKED), (2, Status.REVOKED), (3, Status.QUEUED)]


def test_it_issues_nothing_new_when_nothing_had_been_issued(jury, jury_president):
    jury_decision_amend(
        decision=jury.not_admissible,
        outcome=Outcome.ABSENT,
        reason="Le candidat était absent.",
        by=jury_president,
    )

    assert not Document.objects.exists()


def test_an_absent_candidate_is_notified_of_the_capacities_acquired(jury, staff_a, jury_president):
    _generate_all(jury, staff_a)

    jury_decision_amend(
        decision=jury.admissible,
        outcome=Outcome.ABSENT,
        reason="La candidate était absente.",
        by=jury_president,
    )

    (live,) = _live(registration=jury.alice)
    assert live.kind == Document.Kind.CAPACITY_NOTICE
    revoked = Document.objects.get(registration=jury.alice, kind=Document.Kind.CERTIFICATE)
    assert revoked.status == Status.REVOKED


def test_a_failed_revocation_rolls_the_whole_amendment_back(
    jury, staff_a, jury_president, monkeypatch, django_capture_on_commit_callbacks
):
    _generate_all(jury, staff_a)
    _capacity_not_acquired(jury.alice, 3)
    before = _snapshot(jury)
    _fail_second_revocation(monkeypatch, DatabaseError("disque plein"))

    with django_capture_on_commit_callbacks() as sends, pytest.raises(DatabaseError):
        jury_decision_amend(
            decision=jury.admissible,
            outcome=Outcome.NOT_ADMISSIBLE,
            reason="Capacité 3 non acquise.",
            by=jury_president,
        )

    # The first revocation had been written: it is gone with everything else.
    assert _snapshot(jury) == before
    assert sends == []


def test_a_refused_revocation_leaves_the_amendment_page_with_nothing_written(
    jury, staff_a, jury_president, client_for, monkeypatch
):
    _generate_all(jury, staff_a)
    _capacity_not_acquired(jury.alice, 3)
    before = _snapshot(jury)
    _fail_second_revocation(monkeypatch, DomainError("Révocation impossible pour le moment."))
    url = reverse("deliberations:decision_amend", args=[jury.admissible.pk])

    response = client_for(jury_president).post(
        url,
        {"outcome": Outcome.NOT_ADMISSIBLE, "reason": "Capacité 3 non acquise.", "confirm": "1"},
    )

    assert response.status_code == 200
    assert "Révocation impossible pour le moment." in response.content.decode()
    assert _snapshot(jury) == before


def _fail_second_revocation(monkeypatch, error):
    calls = []
    revoke = reactions.document_revoke

    def failing(**kwargs):
        calls.append(kwargs["document"].pk)
        if len(calls) == 2:
            raise error
        return revoke(**kwargs)

    monkeypatch.setattr(reactions, "document_revoke", failing)


def _snapshot(jury):
    return {
        "decisions": list(
            Decision.objects.order_by("pk").values_list("pk", "outcome", "is_active")
        ),
        "stage": Registration.objects.get(pk=jury.alice.pk).stage,
        "documents": list(Document.objects.order_by("pk").values_list("pk", "status", "version")),
        "audit": AuditEntry.objects.count(),
    }


def test_a_stale_certificate_is_replaced_even_if_the_hook_was_missed(jury, staff_a, jury_president):
    _generate_all(jury, staff_a)
    # What a decision amended without the hook leaves (rows written by hand, an old version).
    new = amend(
        decision=jury.admissible,
        outcome=Outcome.ADMISSIBLE,
        reason="Correction.",
        by=jury_president,
    )

    renewed = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    assert (renewed.version, renewed.decision_id) == (2, new.pk)
    assert Document.objects.get(kind=Kind.CERTIFICATE, version=1).status == Status.REVOKED
