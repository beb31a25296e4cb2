"""The public verification page: genuine, revoked or unknown, nothing more, and rate-limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from deliberations.models import Decision
from documents import services
from documents.models import Document

from ..factories.documents import amend

Kind = Document.Kind


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(jury, staff_a):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    return services.document_generate(document_id=document.pk)


def _verify(client, code, **extra):
    return client.get(reverse("documents:verify", args=[code]), **extra)


def test_it_confirms_a_genuine_document_without_login(client, certificate, jury):
    response = _verify(client, certificate.verification_code)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Document authentique et valide." in content
    assert "Madame Éloïse LEFÈVRE" in content
    referential = jury.campaign.referential
    assert referential.code in content
    assert "Admissible" in content and "15/05/2027" in content


def test_it_shows_nothing_more_than_needed(client, certificate, jury):
    candidate = jury.alice.candidate

    content = _verify(client, certificate.verification_code).content.decode()

    for private in [
        candidate.birth_date.strftime("%d/%m/%Y"),
        candidate.email,
        jury.alice.company.name,
        jury.campaign.name,
        certificate.sha256,
        "Quenderec",
        jury.session.place,
    ]:
        assert private not in content, private


def test_it_says_a_revoked_document_is_no_longer_valid(client, certificate, staff_a):
    services.document_revoke(document=certificate, reason="Décision rectifiée", by=staff_a)

    response = _verify(client, certificate.verification_code)

    content = response.content.decode()
    assert response.status_code == 200
    assert "révoqué : il n'est plus valide" in content
    assert "Document authentique et valide." not in content
    assert "Décision rectifiée" not in content


def test_an_amended_certificate_never_reads_valid_even_before_its_revocation(
    client, certificate, jury, jury_president
):
    # The decision is superseded, and the certificate's row not touched at all: what a reader
    # sees between the amendment and a revocation that came later, or never.
    amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ABSENT,
        reason="La candidate était absente.",
        by=jury_president,
    )

    response = _verify(client, certificate.verification_code)

    content = response.content.decode()
    assert Document.objects.get(pk=certificate.pk).status == Document.Status.READY
    assert response.status_code == 200
    assert "Document authentique et valide." not in content
    assert "la décision du jury qu'il atteste a été rectifiée" in content
    assert "La candidate était absente." not in content


def test_minutes_stop_reading_valid_once_a_decision_of_their_session_is_amended(
    client, jury, staff_a, jury_president
):
    minutes = services.document_request(
        kind=Kind.JURY_MINUTES, jury_session=jury.session, by=staff_a
    )
    minutes = services.document_generate(document_id=minutes.pk)
    before = _verify(client, minutes.verification_code).content.decode()

    amend(
        decision=jury.not_admissible,
        outcome=Decision.Outcome.EXCUSED,
        reason="Excusé.",
        by=jury_president,
    )
    after = _verify(client, minutes.verification_code).content.decode()

    assert "Document authentique et valide." in before
    assert "Document authentique et valide." not in after
    assert Document.objects.get(pk=minutes.pk).status == Document.Status.READY


def test_a_notice_of_the_other_candidate_stays_valid(client, jury, staff_a, jury_president):
    notice = services.document_request(kind=Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a)
    notice = services.document_generate(document_id=notice.pk)
    amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ABSENT,
        reason="La candidate était absente.",
        by=jury_president,
    )

    content = _verify(client, notice.verification_code).content.decode()

    assert "Document authentique et valide." in content


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_it_does_not_know_a_document_never_delivered(client, jury, staff_a, status):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    Document.objects.filter(pk=document.pk).update(status=status)

    response = _verify(client, document.verification_code)

    assert response.status_code == 404
    assert "Document inconnu" in response.content.decode()


def test_it_answers_document_inconnu_to_an_unknown_code(client, db):
    response = _verify(client, "0" * 32)

    assert response.status_code == 404
    assert "Document inconnu" in response.content.decode()


def test_it_limits_lookups_per_address(client, certificate):
    codes = [certificate.verification_code] * 10 + ["f" * 32] * 20
    statuses = [_verify(client, code).status_code for code in codes]

    limited = _verify(client, certificate.verification_code)
    other_address = _verify(client, certificate.verification_code, REMOTE_ADDR="10.0.0.8")

    assert statuses == [200] * 10 + [404] * 20
    assert limited.status_code == 429
    assert "Trop de vérifications" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    assert other_address.status_code == 200


def test_the_form_leads_to_the_verification_page(client, certificate):
    form = client.get(reverse("documents:verify_form"))
    response = client.get(
        reverse("documents:verify_form"), {"code": f" {certificate.verification_code.upper()} "}
    )

    assert form.status_code == 200 and 'name="code"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[certificate.verification_code])


def test_the_verification_page_is_exempt_from_mfa_for_logged_in_staff(
    client_for, staff_b, certificate
):
    response = _verify(client_for(staff_b), certificate.verification_code)

    assert response.status_code == 200
