"""The candidate's report: PDF by content, size limit, versions, lateness, guarded download."""

import datetime
import hashlib
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidates.models import Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import Report
from evaluations.pdf import tiny_pdf
from evaluations.services.reports import report_upload
from tests.evaluations.helpers import text
from tests.factories.evaluations import SessionFactory, assign

pytestmark = pytest.mark.django_db
BEFORE_DEADLINE = datetime.date(2027, 2, 1)
AFTER_DEADLINE = datetime.date(2027, 3, 2)


def _upload(content: bytes, name: str = "rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _service(registration, staff, content=None, **kwargs):
    kwargs.setdefault("today", BEFORE_DEADLINE)
    upload = _upload(tiny_pdf() if content is None else content)
    return report_upload(
        registration=registration, upload=upload, original_name=upload.name, by=staff, **kwargs
    )


def test_it_stores_a_pdf_under_a_random_name_with_its_hash(registration_a, staff_a):
    report = _service(registration_a, staff_a)
    name = PurePosixPath(report.file.name)
    assert default_storage.exists(report.file.name)
    assert name.name != "rapport.pdf" and name.suffix == ".pdf"
    assert report.sha256 == hashlib.sha256(tiny_pdf()).hexdigest()
    assert report.version == 1 and not report.is_late
    assert report.original_name == "rapport.pdf"
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.EVIDENCE
    entry = AuditEntry.objects.get(action="cqpm.report.uploaded")
    assert (entry.registration_id, entry.centre_id) == (
        registration_a.pk,
        registration_a.campaign.centre_id,
    )


def test_it_keeps_earlier_versions_when_replacing(registration_a, staff_a):
    first = _service(registration_a, staff_a)
    second = _service(registration_a, staff_a, content=tiny_pdf("Version 2"))
    assert (first.version, second.version) == (1, 2)
    assert default_storage.exists(first.file.name) and default_storage.exists(second.file.name)
    assert registration_a.reports.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a not a pdf at all", "rapport.pdf", "Le fichier n'est pas un PDF valide"),
        (b"%PDF-1.4\nstarts well but is cut", "rapport.pdf", "Le fichier n'est pas un PDF valide"),
        (b"", "rapport.pdf", "Le fichier est vide"),
    ],
    ids=["wrong-type-named-pdf", "truncated-pdf", "empty"],
)
def test_it_refuses_bad_files_and_writes_nothing(registration_a, staff_a, content, name, message):
    with pytest.raises(DomainError) as exc:
        report_upload(
            registration=registration_a,
            upload=_upload(content, name),
            original_name=name,
            by=staff_a,
            today=BEFORE_DEADLINE,
        )
    assert message in exc.value.message
    assert not Report.objects.exists()


def test_it_accepts_a_pdf_whatever_its_name(registration_a, staff_a):
    upload = _upload(tiny_pdf(), "scan.bin")
    report = report_upload(
        registration=registration_a,
        upload=upload,
        original_name=upload.name,
        by=staff_a,
        today=BEFORE_DEADLINE,
    )
    assert report.version == 1


def test_it_refuses_an_oversized_file(registration_a, staff_a, settings):
    settings.REPORT_MAX_BYTES = 100
    with pytest.raises(DomainError) as exc:
        _service(registration_a, staff_a)
    assert exc.value.message == "Le fichier dépasse la taille maximale autorisée (100 octets)."
    assert not Report.objects.exists()


def test_it_refuses_a_late_report_unless_accepted_and_flags_it(registration_a, staff_a):
    with pytest.raises(DomainError) as exc:
        _service(registration_a, staff_a, today=AFTER_DEADLINE)
    assert "La date limite de remise des rapports (01/03/2027) est passée" in exc.value.message
    assert not Report.objects.exists()
    report = _service(registration_a, staff_a, today=AFTER_DEADLINE, accept_late=True)
    assert report.is_late


def test_it_takes_the_deadline_day_itself_as_on_time(registration_a, staff_a):
    report = _service(registration_a, staff_a, today=datetime.date(2027, 3, 1))
    assert not report.is_late


def test_it_refuses_staff_of_another_centre(registration_a, staff_b):
    with pytest.raises(DomainError):
        _service(registration_a, staff_b)
    assert not Report.objects.exists()


# --- Pages ---------------------------------------------------------------------------------------


def _page(registration):
    return reverse("evaluations:report_page", args=[registration.pk])


def test_it_uploads_through_the_page(client_for, staff_a, registration_a):
    response = client_for(staff_a).post(
        _page(registration_a), {"file": _upload(tiny_pdf())}, follow=True
    )
    assert "Le rapport est enregistré (version 1)." in text(response)
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not a pdf</html>", "Le fichier n'est pas un PDF valide"),
        (b"", "Le fichier est vide"),
    ],
)
def test_it_shows_the_refusal_on_the_page(client_for, staff_a, registration_a, content, message):
    response = client_for(staff_a).post(_page(registration_a), {"file": _upload(content)})
    assert response.status_code == 200
    assert message in text(response)
    assert not Report.objects.exists()


def test_it_shows_the_size_limit_on_the_page(client_for, staff_a, registration_a, settings):
    settings.REPORT_MAX_BYTES = 1024
    big = tiny_pdf() + b"%" + b"x" * 2000 + b"\n%%EOF\n"
    response = client_for(staff_a).post(_page(registration_a), {"file": _upload(big)})
    assert "Le fichier dépasse la taille maximale autorisée (1 Ko)." in text(response)
    assert not Report.objects.exists()


def test_it_shows_late_badge_everywhere(client_for, staff_a, registration_a):
    report = _service(registration_a, staff_a, today=AFTER_DEADLINE, accept_late=True)
    client = client_for(staff_a)
    assert "En retard" in text(client.get(_page(registration_a)))
    campaign_page = client.get(
        reverse("evaluations:campaign_dossiers", args=[registration_a.campaign_id])
    )
    assert "En retard" in text(campaign_page)
    assert report.is_late


def test_it_downloads_with_safe_headers(client_for, staff_a, registration_a):
    report = _service(registration_a, staff_a)
    response = client_for(staff_a).get(
        reverse("evaluations:report_download", args=[registration_a.pk, report.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == tiny_pdf()


def test_it_lets_the_session_evaluator_download_and_no_one_else(
    client_for, staff_a, staff_b, evaluator, outsider, tutor, reviewer, registration_a
):
    report = _service(registration_a, staff_a)
    url = reverse("evaluations:report_download", args=[registration_a.pk, report.pk])
    assert client_for(evaluator).get(url).status_code == 404
    session = SessionFactory(campaign=registration_a.campaign, evaluators=[evaluator])
    assign(session, registration_a)
    assert client_for(evaluator).get(url).status_code == 200
    for persona in (staff_b, outsider, tutor, reviewer):
        assert client_for(persona).get(url).status_code == 404


def test_it_answers_404_for_a_report_of_another_registration(
    client_for, staff_a, registration_a, campaign_a
):
    from tests.factories.candidates import RegistrationFactory

    other = RegistrationFactory(campaign=campaign_a)
    report = _service(other, staff_a)
    url = reverse("evaluations:report_download", args=[registration_a.pk, report.pk])
    assert client_for(staff_a).get(url).status_code == 404


def test_late_flags_follow_a_report_deadline_that_moves(registration_a, staff_a):
    """CAMPAIGN_CALENDAR_CHANGED: a report handed in after the deadline in force is late, one
    handed in before it is not, whatever it was flagged when handed in."""
    from candidates.events import CAMPAIGN_CALENDAR_CHANGED
    from cqpm.core.registry import emit
    from evaluations.services.reports import reports_recompute_late
    from tests.factories.evaluations import report_for

    report = report_for(registration_a, by=staff_a, is_late=True)
    campaign = registration_a.campaign
    handed_in = timezone.localdate(report.created_at)
    campaign.report_deadline = handed_in  # moved later: handed in on the day, on time
    campaign.save(update_fields=["report_deadline"])
    emit(CAMPAIGN_CALENDAR_CHANGED, campaign=campaign, by=staff_a)
    report.refresh_from_db()
    assert not report.is_late
    campaign.report_deadline = handed_in - datetime.timedelta(days=1)  # moved earlier
    assert reports_recompute_late(campaign=campaign) == 1
    report.refresh_from_db()
    assert report.is_late
    assert reports_recompute_late(campaign=campaign) == 0  # twice: nothing more
