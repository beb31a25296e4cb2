"""The candidate's own space: invitation by staff, sign-in by an e-mailed code, their report,
their convocations, their data, and nothing of anyone else's (404)."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from documents.models import Convocation
from evaluations.models import Report
from evaluations.pdf import tiny_pdf
from portal.models import ConvocationAnswer, CorrectionRequest
from portal.services import candidate_invite

pytestmark = pytest.mark.django_db


def pdf(name="rapport.pdf", content=None):
    return SimpleUploadedFile(name, content or tiny_pdf("Mon rapport"), "application/pdf")


# --- Invitation and sign-in -----------------------------------------------------------------------


def test_staff_invite_a_candidate_who_then_signs_in_with_the_emailed_code(
    running, staff_a, settings, django_capture_on_commit_callbacks
):
    staff = Client()
    staff.force_login(staff_a)
    url = reverse("portal:invite", args=[running.registration.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url)
    assert response.status_code == 302
    candidate = Candidate.objects.get(pk=running.registration.candidate_id)
    assert candidate.account.email == "lea.martin@exemple.fr"
    assert not candidate.account.has_usable_password()
    (invitation,) = mail.outbox
    assert invitation.to == ["lea.martin@exemple.fr"]
    assert reverse("account_request_login_code") in invitation.body
    assert AuditEntry.objects.filter(action="cqpm.portal.candidate.invited").count() == 1

    visitor = Client()
    mail.outbox.clear()
    response = visitor.post(
        reverse("account_request_login_code"), {"email": "lea.martin@exemple.fr"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", message.body, re.M).group(1)
    response = visitor.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == candidate.account
    page = visitor.get(reverse("portal:home"))
    assert page.status_code == 200 and "Remettre votre rapport" in page.content.decode()


def test_a_code_is_sent_to_no_unknown_address_and_sign_up_stays_closed(running):
    visitor = Client()
    visitor.post(reverse("account_request_login_code"), {"email": "inconnu@exemple.fr"})
    assert mail.outbox == []
    assert visitor.get(reverse("account_signup")).status_code in (403, 404, 200)
    assert "inconnu@exemple.fr" not in "".join(m.body for m in mail.outbox)


def test_the_code_requests_are_rate_limited(invited):
    cache.clear()
    statuses = [
        Client()
        .post(reverse("account_request_login_code"), {"email": invited.user.email})
        .status_code
        for _ in range(5)
    ]
    assert len(mail.outbox) == 3  # 3 per 15 minutes and address
    # Past the limit the form answers again, with its error, and sends nothing.
    assert statuses == [302, 302, 302, 200, 200]


def test_one_account_holds_the_same_person_across_centres(invited, staff_b, centre_b):
    from ..factories.candidates import CampaignFactory, RegistrationFactory

    elsewhere = RegistrationFactory(
        campaign=CampaignFactory(centre=centre_b), candidate=invited.registration.candidate
    )
    candidate_invite(registration=elsewhere, by=staff_b)
    elsewhere.candidate.refresh_from_db()
    assert elsewhere.candidate.account == invited.user


def test_inviting_needs_an_email_and_staff_of_the_centre(running, staff_a, staff_b):
    running.other.candidate.email = ""
    running.other.candidate.save()
    with pytest.raises(DomainError, match="n'a pas d'adresse e-mail"):
        candidate_invite(registration=running.other, by=staff_a)
    other = Client()
    other.force_login(staff_b)
    assert other.post(reverse("portal:invite", args=[running.registration.pk])).status_code == 404


# --- Reach ---------------------------------------------------------------------------------------


def test_a_candidate_reaches_their_registration_and_nobody_else_s(candidate_client, invited):
    own = reverse("portal:registration", args=[invited.registration.pk])
    assert candidate_client.get(own).status_code == 200
    for name in ("portal:registration", "portal:report", "portal:data"):
        assert candidate_client.get(reverse(name, args=[invited.other.pk])).status_code == 404
    staff_page = reverse("candidates:registration_detail", args=[invited.registration.pk])
    assert candidate_client.get(staff_page).status_code == 404
    api = reverse("api:registration-detail", args=[invited.registration.pk])
    assert candidate_client.get(api).status_code == 404


# --- Report --------------------------------------------------------------------------------------


def test_the_candidate_hands_in_their_report_through_the_one_upload_service(
    candidate_client, invited
):
    url = reverse("portal:report", args=[invited.registration.pk])
    response = candidate_client.post(url, {"file": pdf()})
    assert response.status_code == 302
    report = Report.objects.get(registration=invited.registration)
    assert (report.version, report.uploaded_by, report.is_late) == (1, invited.user, False)
    response = candidate_client.post(url, {"file": pdf("autre.pdf", tiny_pdf("Version 2"))})
    assert Report.objects.filter(registration=invited.registration).count() == 2
    page = candidate_client.get(reverse("portal:registration", args=[invited.registration.pk]))
    assert "version 2" in page.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused_in_french(candidate_client, invited):
    url = reverse("portal:report", args=[invited.registration.pk])
    response = candidate_client.post(
        url, {"file": SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not Report.objects.exists()


def test_after_the_deadline_the_candidate_is_sent_to_the_centre(candidate_client, invited):
    campaign = invited.campaign
    campaign.report_deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    url = reverse("portal:report", args=[invited.registration.pk])
    response = candidate_client.post(url, {"file": pdf()})
    assert "remettez votre rapport à votre centre" in response.content.decode()
    assert not Report.objects.exists()


# --- Convocations --------------------------------------------------------------------------------


@pytest.fixture
def convocation(invited):
    return Convocation.objects.create(
        registration=invited.registration,
        kind=Convocation.Kind.INTERVIEW,
        session_id=1,
        date=timezone.localdate() + datetime.timedelta(days=20),
        start_time=datetime.time(9, 30),
        place="UIMM Lyon, salle 2",
        recipients=[invited.registration.candidate.email],
        sha256="0" * 64,
    )


def test_the_candidate_acknowledges_or_declines_with_a_reason_staff_read(
    candidate_client, convocation, invited, staff_a
):
    url = reverse("portal:convocation", args=[convocation.pk])
    response = candidate_client.post(url, {"answer": "declined", "reason": ""})
    assert "pourquoi vous ne pourrez pas venir" in response.content.decode()
    assert not ConvocationAnswer.objects.exists()
    candidate_client.post(url, {"answer": "declined", "reason": "Opération prévue ce jour-là."})
    assert convocation.candidate_answer.reason == "Opération prévue ce jour-là."
    staff = Client()
    staff.force_login(staff_a)
    page = staff.get(reverse("candidates:registration_detail", args=[invited.registration.pk]))
    assert "Opération prévue ce jour-là." in page.content.decode()
    candidate_client.post(url, {"answer": "acknowledged"})
    convocation.refresh_from_db()
    assert ConvocationAnswer.objects.get().answer == "acknowledged"
    assert AuditEntry.objects.filter(action__startswith="cqpm.portal.convocation.").count() == 2


def test_the_convocation_downloads_as_a_calendar_event(candidate_client, convocation):
    response = candidate_client.get(reverse("portal:convocation_ics", args=[convocation.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "LOCATION:UIMM Lyon\\, salle 2" in body
    assert "DTSTART:" in body and body.endswith("END:VCALENDAR\r\n")


# --- Data ----------------------------------------------------------------------------------------


def test_a_correction_request_staff_accept_changes_the_data_through_the_rectification(
    candidate_client, invited, staff_a
):
    url = reverse("portal:data", args=[invited.registration.pk])
    candidate_client.post(url, {"phone": "06 11 22 33 44", "message": "Nouveau numéro."})
    request = CorrectionRequest.objects.get()
    assert request.changes == {"phone": "06 11 22 33 44"}
    response = candidate_client.post(url, {"phone": "07", "message": "Encore."})
    assert "déjà en attente" in response.content.decode()
    staff = Client()
    staff.force_login(staff_a)
    decide = reverse("portal:correction_decide", args=[request.pk])
    staff.post(decide, {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by == staff_a
    candidate = Candidate.objects.get(pk=invited.registration.candidate_id)
    assert candidate.phone == "06 11 22 33 44"
    assert AuditEntry.objects.filter(action="cqpm.candidate.updated").exists()


def test_a_request_too_long_is_refused_in_french_and_nothing_is_kept(candidate_client, invited):
    url = reverse("portal:data", args=[invited.registration.pk])
    response = candidate_client.post(url, {"address": "x" * 501, "message": "Nouvelle adresse."})
    assert response.status_code == 200
    assert "500 caractères" in response.content.decode()
    response = candidate_client.post(url, {"phone": "06", "message": "m" * 2001})
    assert "2000 caractères" in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_a_refusal_needs_a_reply_the_candidate_reads(candidate_client, invited, staff_a):
    url = reverse("portal:data", args=[invited.registration.pk])
    candidate_client.post(url, {"last_name": "Martins", "message": "Mon nom est Martins."})
    request = CorrectionRequest.objects.get()
    staff = Client()
    staff.force_login(staff_a)
    decide = reverse("portal:correction_decide", args=[request.pk])
    staff.post(decide, {"decision": "refuse", "reply": ""})
    request.refresh_from_db()
    assert request.status == "pending"
    staff.post(decide, {"decision": "refuse", "reply": "Votre carte indique Martin."})
    request.refresh_from_db()
    assert request.status == "refused"
    assert "Votre carte indique Martin." in candidate_client.get(url).content.decode()
    assert Candidate.objects.get(pk=request.candidate_id).last_name == "Martin"


def test_the_own_export_leaves_out_the_work_before_the_decision(candidate_client, invited):
    response = candidate_client.get(reverse("portal:export", args=["json"]))
    assert response.status_code == 200
    data = json.loads(response.content)
    (person,) = data["people"]
    (registration,) = person["registrations"]
    assert registration["company_opinion"] is None and registration["results"] is None
    assert registration["documents"] is None and registration["emails"] is None
    assert AuditEntry.objects.filter(
        action="cqpm.privacy.person.exported", actor=invited.user
    ).exists()
    assert candidate_client.get(reverse("portal:export", args=["pdf"]))["Content-Type"] == (
        "application/pdf"
    )


# --- Results -------------------------------------------------------------------------------------


def test_nothing_of_the_jury_shows_before_the_session_is_closed_then_everything_does(
    jury, staff_a, client, django_capture_on_commit_callbacks
):
    from urllib.parse import parse_qs, urlsplit

    from deliberations.models import JurySession
    from documents import services as documents
    from documents.models import Document

    registration = jury.alice
    registration.candidate.email = "eloise@exemple.fr"
    registration.candidate.save()
    with django_capture_on_commit_callbacks(execute=True):
        candidate = candidate_invite(registration=registration, by=staff_a)
    client.force_login(candidate.account)
    url = reverse("portal:registration", args=[registration.pk])

    JurySession.objects.filter(pk=jury.session.pk).update(status=JurySession.Status.DELIBERATING)
    page = client.get(url).content.decode()
    assert "Admissible" not in page and "Acquise" not in page
    assert "après la délibération du jury" in page

    JurySession.objects.filter(pk=jury.session.pk).update(status=JurySession.Status.CLOSED)
    document = documents.document_request(
        kind=Document.Kind.CERTIFICATE, registration=registration, by=staff_a
    )
    documents.document_generate(document_id=document.pk)
    page = client.get(url)
    html = page.content.decode()
    assert "Admissible : le CQPM vous est attribué." in html and "Acquise" in html
    linkedin = page.context["results"].credential.linkedin_url
    assert linkedin.startswith(
        "https://www.linkedin.com/profile/add?"
    ) and linkedin in html.replace("&amp;", "&")
    query = parse_qs(urlsplit(linkedin).query)
    document.refresh_from_db()
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["certId"] == [f"urn:uuid:{document.credential.uuid}"]
    assert query["certUrl"][0].endswith(f"/verifier/{document.verification_code}/")
    assert query["issueYear"] == [str(jury.session.date.year)]
    assert query["organizationName"] and query["name"][0].startswith("CQPM ")
    download = client.get(reverse("portal:document", args=[document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    # Another candidate's certificate stays out of reach.
    other = documents.document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a
    )
    assert client.get(reverse("portal:document", args=[other.pk])).status_code == 404


def test_staff_invite_many_candidates_from_the_candidates_list(
    running, staff_a, client_for, django_capture_on_commit_callbacks
):
    from cqpm.core import tasks as core_tasks
    from cqpm.core.models import BulkJob

    staff = client_for(staff_a)
    page = staff.get(reverse("candidates:registration_list", args=[running.campaign.pk]))
    assert reverse("core:bulk_confirm", args=["candidats-inviter"]) in page.content.decode()
    ids = [running.registration.pk, running.other.pk]
    confirm = staff.post(
        reverse("core:bulk_confirm", args=["candidats-inviter"]),
        {"contexte": running.campaign.pk, "ids": ids},
    )
    assert confirm.status_code == 200
    with django_capture_on_commit_callbacks():
        staff.post(
            reverse("core:bulk_start", args=["candidats-inviter"]),
            {"contexte": running.campaign.pk, "ids": ids},
        )
    job = BulkJob.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.bulk_job_run(job.pk)
    assert Candidate.objects.filter(account__isnull=False).count() == 2
    assert len(mail.outbox) == 2
    # Someone else's campaign: its registrations are out of reach.
    assert (
        client_for(staff_a)
        .post(
            reverse("core:bulk_confirm", args=["candidats-inviter"]),
            {"contexte": 999999, "ids": ids},
        )
        .status_code
        == 404
    )
