"""Staff pages of a session's documents, downloads and the progress fragment; access is scoped."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cqpm.core.models import AuditEntry
from deliberations.models import Decision, JurySession
from deliberations.services import jury_decision_amend
from documents import services
from documents.models import Document, DocumentBatch

from ..factories.documents import decide

Kind = Document.Kind
Status = Document.Status


def _generate_all(jury, by):
    batch = services.batch_request(jury_session=jury.session, by=by)
    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)
    return services.batch_archive(batch=batch)


def test_it_lists_the_documents_of_the_session(client_for, staff_a, jury):
    response = client_for(staff_a).get(reverse("documents:session", args=[jury.session.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Générer tous les documents" in content
    assert "LEFÈVRE Éloïse" in content and "QUENDEREC Hugo" in content
    assert content.count("Non demandé") == 3
    assert "hx-trigger" not in content


def test_it_starts_a_batch_and_polls_until_it_is_complete(client_for, staff_a, jury):
    client = client_for(staff_a)

    response = client.post(
        reverse("documents:batch_create", args=[jury.session.pk]), {"confirm": "1"}, follow=True
    )

    assert "La génération de tous les documents est lancée." in response.content.decode()
    batch = DocumentBatch.objects.get()
    assert batch.documents.count() == 3
    progress_url = reverse("documents:progress", args=[jury.session.pk])
    fragment = client.get(progress_url).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "0 document(s) prêt(s) sur 3" in fragment

    for document in batch.documents.all():
        services.document_generate(document_id=document.pk)
    services.batch_archive(batch=batch)
    fragment = client.get(progress_url).content.decode()

    assert "hx-trigger" not in fragment
    assert "3 document(s) prêt(s) sur 3" in fragment
    assert reverse("documents:batch_download", args=[batch.pk]) in fragment


def test_it_shows_a_failure_with_its_reason_and_a_retry_button(client_for, staff_a, jury):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    Document.objects.filter(pk=document.pk).update(
        status=Status.FAILED, error="Erreur de génération : délai dépassé"
    )
    client = client_for(staff_a)

    page = client.get(reverse("documents:session", args=[jury.session.pk])).content.decode()
    assert "Erreur de génération : délai dépassé" in page
    assert reverse("documents:retry", args=[document.pk]) in page

    response = client.post(reverse("documents:retry", args=[document.pk]), follow=True)
    assert "La génération du document est relancée." in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == Status.QUEUED


def test_it_generates_one_document_on_request(client_for, staff_a, jury):
    url = reverse("documents:create", args=[jury.session.pk])

    response = client_for(staff_a).post(
        url, {"kind": Kind.CAPACITY_NOTICE, "registration": jury.bob.pk}, follow=True
    )

    assert "Le document est en cours de génération." in response.content.decode()
    assert "momentanément indisponible" not in response.content.decode()  # the broker took it
    assert Document.objects.get().kind == Kind.CAPACITY_NOTICE


def test_it_explains_a_refused_request_and_writes_nothing(client_for, staff_a, jury):
    url = reverse("documents:create", args=[jury.session.pk])

    response = client_for(staff_a).post(
        url, {"kind": Kind.CERTIFICATE, "registration": jury.bob.pk}, follow=True
    )

    assert "qu&#x27;à un candidat déclaré admissible" in response.content.decode()
    assert not Document.objects.exists()


def test_it_explains_that_an_open_jury_has_no_documents(client_for, staff_a, jury):
    JurySession.objects.filter(pk=jury.session.pk).update(status=JurySession.Status.DELIBERATING)
    client = client_for(staff_a)

    page = client.get(reverse("documents:session", args=[jury.session.pk])).content.decode()
    response = client.post(
        reverse("documents:batch_create", args=[jury.session.pk]), {"confirm": "1"}, follow=True
    )

    assert "une fois le jury clos" in page and "Générer tous les documents" not in page
    assert "Les documents ne sont générés qu&#x27;une fois le jury clos." in (
        response.content.decode()
    )
    assert not DocumentBatch.objects.exists()


def test_it_downloads_a_ready_pdf_as_an_attachment(client_for, staff_a, jury):
    batch = _generate_all(jury, staff_a)
    certificate = Document.objects.get(kind=Kind.CERTIFICATE)

    response = client_for(staff_a).get(reverse("documents:download", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "lefevre-eloise-v1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    archive = client_for(staff_a).get(reverse("documents:batch_download", args=[batch.pk]))
    assert archive["Content-Type"] == "application/zip"
    assert b"".join(archive.streaming_content)[:2] == b"PK"


def test_it_does_not_serve_a_document_that_is_not_ready(client_for, staff_a, jury):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)

    response = client_for(staff_a).get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["staff_b", "outsider", "jury_member"])
def test_it_answers_404_outside_the_centre(client_for, request, staff_a, jury, persona):
    batch = _generate_all(jury, staff_a)
    document = Document.objects.get(kind=Kind.CERTIFICATE)
    client = client_for(request.getfixturevalue(persona))
    pk = jury.session.pk

    gets = [
        reverse("documents:session", args=[pk]),
        reverse("documents:progress", args=[pk]),
        reverse("documents:download", args=[document.pk]),
        reverse("documents:batch_download", args=[batch.pk]),
    ]
    posts = [
        reverse("documents:batch_create", args=[pk]),
        reverse("documents:create", args=[pk]),
        reverse("documents:retry", args=[document.pk]),
    ]

    assert [client.get(url).status_code for url in gets] == [404] * len(gets)
    assert [client.post(url, {"kind": Kind.JURY_MINUTES}).status_code for url in posts] == [
        404
    ] * len(posts)
    assert DocumentBatch.objects.count() == 1


def test_it_sends_anonymous_visitors_to_the_login_page(client, jury):
    response = client.get(reverse("documents:session", args=[jury.session.pk]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_reads_the_page_in_the_same_number_of_queries_for_2_or_40_candidates(
    client_for, staff_a, jury, jury_president, django_assert_num_queries
):
    client = client_for(staff_a)
    url = reverse("documents:session", args=[jury.session.pk])
    services.batch_request(jury_session=jury.session, by=staff_a)
    client.get(url)  # warm the session and per-user caches

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(38):
        decide(
            session=jury.session,
            outcome=Decision.Outcome.ADMISSIBLE,
            by=jury_president,
            last_name=f"Candidat{number}",
        )
    Document.objects.update(status=Status.FAILED, error="Erreur")  # the first batch is over
    services.batch_request(jury_session=jury.session, by=staff_a)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count("CANDIDAT") == 38
    assert Document.objects.filter(status=Status.QUEUED).count() == 41


def _ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_a_render_left_running_by_a_dead_worker_offers_a_retry(client_for, staff_a, jury):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    client = client_for(staff_a)
    page_url = reverse("documents:session", args=[jury.session.pk])
    retry_url = reverse("documents:retry", args=[document.pk])
    Document.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=_ago(10))
    fresh = client.get(page_url).content.decode()
    Document.objects.filter(pk=document.pk).update(
        started_at=_ago(settings.CELERY_TASK_TIME_LIMIT + 1)
    )

    stale = client.get(page_url).content.decode()
    response = client.post(retry_url, follow=True)

    assert retry_url not in fresh and "Génération interrompue" not in fresh
    assert retry_url in stale and "Génération interrompue" in stale
    assert "La génération du document est relancée." in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == Status.QUEUED


def test_a_document_the_broker_never_took_offers_a_retry(client_for, staff_a, jury):
    document = services.document_request(kind=Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    client = client_for(staff_a)
    page_url = reverse("documents:session", args=[jury.session.pk])
    retry_url = reverse("documents:retry", args=[document.pk])
    waiting = client.get(page_url).content.decode()
    refused = client.post(retry_url, follow=True).content.decode()
    Document.objects.filter(pk=document.pk).update(queued_at=None)

    stuck = client.get(page_url).content.decode()
    response = client.post(retry_url, follow=True)

    assert retry_url not in waiting
    assert "Ce document est déjà en file d&#x27;attente" in refused
    assert retry_url in stuck and "En attente du service de génération" in stuck
    assert "La génération du document est relancée." in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.QUEUED and document.queued_at is not None
    assert AuditEntry.objects.filter(
        action="cqpm.documents.document.retried", object_id=str(document.pk)
    ).exists()


def test_a_new_batch_keeps_the_previous_archive_downloadable_until_its_own_is_ready(
    client_for, staff_a, jury, django_capture_on_commit_callbacks
):
    first = _generate_all(jury, staff_a)
    client = client_for(staff_a)
    progress_url = reverse("documents:progress", args=[jury.session.pk])

    with django_capture_on_commit_callbacks() as sends:
        client.post(reverse("documents:batch_create", args=[jury.session.pk]), {"confirm": "1"})
    second = DocumentBatch.objects.latest("pk")
    during = client.get(progress_url).content.decode()
    services.batch_archive(batch=second)
    after = client.get(progress_url).content.decode()

    # Every document was ready: the new archive is queued at once, with no render to wait for.
    assert second.pk != first.pk and len(sends) == 1
    assert reverse("documents:batch_download", args=[first.pk]) in during
    assert "archive précédente" in during and "hx-trigger" in during
    assert reverse("documents:batch_download", args=[second.pk]) in after
    assert "archive précédente" not in after and "hx-trigger" not in after


def test_an_amendment_keeps_the_previous_archive_offered_while_documents_are_renewed(
    client_for, staff_a, jury, jury_president
):
    batch = _generate_all(jury, staff_a)
    jury_decision_amend(
        decision=jury.admissible,
        outcome=Decision.Outcome.ABSENT,
        reason="La candidate était absente.",
        by=jury_president,
    )
    client = client_for(staff_a)
    progress_url = reverse("documents:progress", args=[jury.session.pk])

    during = client.get(progress_url).content.decode()
    # The minutes again, and the absent candidate's notice of the capacities acquired.
    for renewed in Document.objects.filter(status=Status.QUEUED):
        services.document_generate(document_id=renewed.pk)
    complete = client.get(progress_url).content.decode()
    services.batch_archive(batch=DocumentBatch.objects.get(pk=batch.pk))
    rebuilt = client.get(progress_url).content.decode()

    download = reverse("documents:batch_download", args=[batch.pk])
    assert download in during and "archive précédente" in during
    assert "Archive ZIP en préparation" not in complete and "archive précédente" in complete
    assert download in rebuilt and "archive précédente" not in rebuilt
    assert "hx-trigger" not in rebuilt


def test_it_does_not_offer_the_documents_once_the_campaign_is_sent_back(client_for, staff_a, jury):
    """A campaign sent back from the jury to the evaluations: the jury stays closed, yet the
    service refuses documents; the page says why instead of offering the button."""
    from candidates.models import Campaign

    Campaign.objects.filter(pk=jury.session.campaign_id).update(status=Campaign.Status.IN_PROGRESS)
    client = client_for(staff_a)

    page = client.get(reverse("documents:session", args=[jury.session.pk])).content.decode()
    response = client.post(
        reverse("documents:batch_create", args=[jury.session.pk]), {"confirm": "1"}, follow=True
    )

    assert "Générer tous les documents" not in page
    assert "de générer les documents" in page
    assert not DocumentBatch.objects.exists()
    assert response.status_code == 200


def test_the_registration_page_has_the_candidates_documents_one_click_away(
    client_for, staff_a, staff_b, jury, jury_president
):
    client = client_for(staff_a)
    page = reverse("candidates:registration_detail", args=[jury.alice.pk])

    before = client.get(page).content.decode()
    assert 'id="documents-heading"' in before
    assert "Générer : Attestation de réussite" in before
    assert reverse("documents:session", args=[jury.session.pk]) in before

    _generate_all(jury, staff_a)
    after = client.get(page).content.decode()
    certificate = Document.objects.get(registration=jury.alice)
    assert reverse("documents:download", args=[certificate.pk]) in after
    assert reverse("documents:verify", args=[certificate.verification_code]) in after
    assert "Générer :" not in after

    # An absent candidate is notified of the capacities acquired, from the same section.
    absent = decide(session=jury.session, outcome=Decision.Outcome.ABSENT, by=jury_president)
    absent_page = reverse("candidates:registration_detail", args=[absent.registration.pk])
    assert (
        "Générer : Notification des capacités acquises" in client.get(absent_page).content.decode()
    )
    assert client_for(staff_b).get(page).status_code == 404
