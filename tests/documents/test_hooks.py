"""The documents app tells later apps (webhooks, credentials) when a document is ready and when it
is revoked, inside the transaction that records it (documents/seams.py)."""

import pytest
from django.db.models import Q

from cqpm.core.registry import listening
from deliberations.models import Decision
from deliberations.services import jury_decision_amend
from documents import services
from documents.models import Document
from documents.seams import DOCUMENT_READY, DOCUMENT_REVOKED

pytestmark = pytest.mark.django_db


def test_ready_and_revoked_documents_fire_their_hooks(jury, jury_president, staff_a):
    batch = services.batch_request(jury_session=jury.session, by=staff_a)
    queued = list(batch.documents.order_by("pk"))
    with listening(DOCUMENT_READY) as ready:
        for document in queued:
            services.document_generate(document_id=document.pk)
    assert [p["document"].pk for p in ready] == [d.pk for d in queued]
    assert {p["document"].status for p in ready} == {Document.Status.READY}

    decision = Decision.objects.filter(session=jury.session, outcome="admissible").first()
    # The certificate it founded and the minutes that listed it.
    founded = set(
        Document.objects.filter(
            Q(decision=decision) | Q(kind=Document.Kind.JURY_MINUTES, jury_session=jury.session)
        ).values_list("pk", flat=True)
    )
    assert len(founded) == 2
    with listening(DOCUMENT_REVOKED) as revoked:
        jury_decision_amend(
            decision=decision, outcome="absent", reason="Absent à l'entretien.", by=jury_president
        )
    assert {p["document"].pk for p in revoked} == founded
    assert {(p["document"].status, p["by"]) for p in revoked} == {
        (Document.Status.REVOKED, jury_president)
    }
