"""An amendment after the jury signed produces new minutes to sign; the signed ones are kept,
revoked, with their signatures (issue 20 part 3)."""

import pytest
from django.utils import timezone

from deliberations.services import jury_decision_amend
from documents import services, signatures
from documents.models import Document, Signature

pytestmark = pytest.mark.django_db


def test_an_amendment_brings_new_minutes_to_sign_and_keeps_the_signed_ones(
    jury, staff_a, jury_president, django_capture_on_commit_callbacks
):
    minutes = services.document_request(
        kind=Document.Kind.JURY_MINUTES, jury_session=jury.session, by=staff_a
    )
    minutes = services.document_generate(document_id=minutes.pk)
    signatures.minutes_sign(
        document=minutes,
        by=jury_president,
        confirmed_at=timezone.now(),
        client_ip="192.0.2.1",
        sha256=minutes.sha256,
    )
    services.document_generate(document_id=minutes.pk)
    minutes.refresh_from_db()
    assert minutes.signed_at is not None and minutes.status == Document.Status.READY
    signed = set(minutes.signatures.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=False):
        jury_decision_amend(
            decision=jury.session.decisions.get(is_active=True, outcome="not_admissible"),
            outcome="admissible",
            reason="Erreur de saisie de la capacité 2.",
            jury_reason="Le jury retient le projet présenté.",
            by=jury_president,
        )
    minutes.refresh_from_db()
    assert minutes.status == Document.Status.REVOKED
    assert set(minutes.signatures.values_list("pk", flat=True)) == signed  # kept
    renewed = Document.objects.get(
        jury_session=jury.session, kind=Document.Kind.JURY_MINUTES, version=2
    )
    renewed = services.document_generate(document_id=renewed.pk)
    assert renewed.status == Document.Status.READY and renewed.signed_at is None
    lines = signatures.minutes_signature_lines(document=renewed)
    assert lines and all(line.signature is None for line in lines)
    assert Signature.objects.filter(document=renewed).count() == 0
