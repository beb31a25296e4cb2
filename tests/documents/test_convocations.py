"""Convocations: sent in bulk for a commission or jury session by the worker (PDF attached to a
French e-mail, copied to the tutor), written to the history in words, and sent again on their
own when the session's date changes."""

import datetime
import hashlib
import io

import pikepdf
import pytest
from django.core import mail
from django.urls import reverse

from candidates.history import registration_history
from candidates.models import Campaign, Registration
from cqpm.core import tasks as core_tasks
from cqpm.core.models import BulkJob
from deliberations.services import jury_session_edit
from documents import tasks
from documents.models import Convocation
from evaluations.services.commissions import (
    commission_assign,
    commission_session_create,
    commission_session_edit,
)
from tests.factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from tests.factories.deliberations import jury
from tests.seal_support import assert_sealed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)


@pytest.fixture
def session(campaign, staff_a):
    return commission_session_create(
        campaign=campaign, date=D(2027, 4, 10), place="Lyon, salle 3", by=staff_a
    )


@pytest.fixture
def assigned(campaign, session, staff_a, tutor):
    with_tutor = RegistrationFactory(
        campaign=campaign, tutor=tutor, candidate=CandidateFactory(email="jeanne@exemple.fr")
    )
    without_email = RegistrationFactory(campaign=campaign, candidate=CandidateFactory(email=""))
    for registration in (with_tutor, without_email):
        commission_assign(session=session, registration=registration, by=staff_a)
    return with_tutor, without_email


@pytest.fixture
def run_tasks_locally(monkeypatch):
    """Tasks queued on commit run here, through Celery's own local execution."""
    monkeypatch.setattr(
        tasks.send_convocation, "apply_async", lambda args: tasks.send_convocation.apply(args)
    )


def _bulk(client, kind, context_pk, ids, capture):
    with capture():
        response = client.post(
            reverse("core:bulk_start", args=[kind]), {"contexte": context_pk, "ids": ids}
        )
    assert response.status_code == 302
    job = BulkJob.objects.latest("pk")
    with capture(execute=True):  # the worker's commits: e-mails leave after each item
        core_tasks.bulk_job_run(job.pk)
    job.refresh_from_db()
    return job


def _pdf_title(message) -> str:
    (name, content, mimetype), (ics_name, ics, ics_type) = message.attachments
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    # The same appointment for a calendar, beside the PDF.
    assert ics_type == "text/calendar" and ics_name == name.removesuffix(".pdf") + ".ics"
    assert "BEGIN:VEVENT" in (ics if isinstance(ics, str) else ics.decode())
    assert_sealed(content)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return str(pdf.docinfo["/Title"])


def test_staff_send_the_convocations_of_a_commission_in_bulk(
    client_for, staff_a, session, assigned, django_capture_on_commit_callbacks
):
    with_tutor, without_email = assigned
    client = client_for(staff_a)
    page = client.get(
        reverse("evaluations:session_detail", args=[session.campaign_id, session.pk])
    ).content.decode()
    assert reverse("core:bulk_confirm", args=["convocations-commission"]) in page
    confirm = client.post(
        reverse("core:bulk_confirm", args=["convocations-commission"]),
        {"contexte": session.pk, "ids": [with_tutor.pk, without_email.pk]},
    ).content.decode()
    assert "2 candidat(s) recevront par e-mail leur convocation" in confirm
    assert not mail.outbox

    job = _bulk(
        client,
        "convocations-commission",
        session.pk,
        [with_tutor.pk, without_email.pk],
        django_capture_on_commit_callbacks,
    )
    # Nobody is lost in silence: without an e-mail address, the convocation is kept to print.
    assert (job.done, len(job.failures)) == (2, 0)

    (message,) = mail.outbox
    assert message.to == ["jeanne@exemple.fr"] and message.cc == ["tuteur@exemple.fr"]
    assert "Convocation à l'entretien" in message.subject
    assert "Lyon, salle 3" in message.body and "pièce d'identité" in message.body
    candidate = with_tutor.candidate
    civility = "Madame" if candidate.civility == "Mme" else "Monsieur"
    assert message.body.startswith(f"Bonjour {civility} {candidate.first_name} ")
    assert _pdf_title(message) == "Convocation à l'entretien"
    sentences = [e.sentence for e in registration_history(registration=with_tutor)]
    assert any("a convoqué le candidat par e-mail" in s and "Lyon, salle 3" in s for s in sentences)

    printable = Convocation.objects.get(registration=without_email)
    assert printable.recipients == [] and printable.is_printable
    page = client.get(
        reverse("candidates:registration_detail", args=[without_email.pk])
    ).content.decode()
    url = reverse("documents:convocation_print", args=[printable.pk])
    assert url in page and "sans adresse e-mail : à imprimer" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert_sealed(content)
    assert hashlib.sha256(content).hexdigest() == printable.sha256  # /verifier/ knows it
    sentences = [e.sentence for e in registration_history(registration=without_email)]
    assert any("sans adresse e-mail, à imprimer" in s for s in sentences)


def test_a_new_date_sends_the_convocation_again_to_those_convoked(
    client_for, staff_a, session, assigned, run_tasks_locally, django_capture_on_commit_callbacks
):
    with_tutor, _without = assigned
    _bulk(
        client_for(staff_a),
        "convocations-commission",
        session.pk,
        [with_tutor.pk],
        django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        commission_session_edit(
            session=session,
            date=D(2027, 4, 14),
            start_time=datetime.time(9, 30),
            place="Lyon, salle 3",
            by=staff_a,
        )
    (message,) = mail.outbox
    assert "Nouvelle convocation" in message.subject
    assert "09h30" in message.body and "remplace la précédente" in message.body
    latest = Convocation.objects.filter(registration=with_tutor).first()
    assert latest.date == D(2027, 4, 14)
    sentences = [e.sentence for e in registration_history(registration=with_tutor)]
    assert any("convoqué à nouveau" in s for s in sentences)
    # The same change again (a task delivered twice): nothing is sent.
    mail.outbox.clear()
    tasks.send_convocation(with_tutor.pk, "interview", staff_a.pk)
    assert not mail.outbox


def test_jury_convocations_and_their_resending(
    client_for,
    staff_a,
    campaign,
    jury_president,
    run_tasks_locally,
    django_capture_on_commit_callbacks,
):
    registration = RegistrationFactory(
        campaign=campaign,
        stage=Registration.Stage.COMMISSION,
        candidate=CandidateFactory(email="paul@exemple.fr"),
    )
    session = jury(campaign, president=jury_president, registrations=[registration])
    job = _bulk(
        client_for(staff_a),
        "convocations-jury",
        session.pk,
        [registration.pk],
        django_capture_on_commit_callbacks,
    )
    assert job.done == 1
    assert _pdf_title(mail.outbox[0]) == "Convocation au jury"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        jury_session_edit(session=session, date=D(2027, 5, 21), place="Salle du jury", by=staff_a)
    (message,) = mail.outbox
    assert "Nouvelle convocation au jury" in message.subject


def test_another_centres_session_or_candidates_answer_404(
    client_for, staff_b, staff_a, session, assigned, campaign
):
    with_tutor, _without = assigned
    url = reverse("core:bulk_confirm", args=["convocations-commission"])
    assert (
        client_for(staff_b).post(url, {"contexte": session.pk, "ids": [with_tutor.pk]}).status_code
        == 404
    )
    stranger = RegistrationFactory(campaign=campaign)  # not assigned to this session
    assert (
        client_for(staff_a)
        .post(url, {"contexte": session.pk, "ids": [with_tutor.pk, stranger.pk]})
        .status_code
        == 404
    )
