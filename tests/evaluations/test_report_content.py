"""A report PDF carrying JavaScript, a launch action or embedded files is refused (page and
service) with nothing written; the same file sent twice at once makes one version."""

import datetime
import io
import threading
from pathlib import Path

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import Report
from evaluations.pdf import tiny_pdf
from evaluations.services.reports import report_upload

pytestmark = pytest.mark.django_db
ON_TIME = datetime.date(2027, 2, 1)


def _pdf(change) -> bytes:
    pdf = pikepdf.open(io.BytesIO(tiny_pdf()))
    change(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('bonjour')")
    )


def _launch(pdf):
    pdf.pages[0].AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    )


def _embedded(pdf):
    pdf.attachments["facture.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ...")


def _encrypted(pdf):
    pass  # saved with a password below


BAD = {
    "javascript": (_pdf(_javascript), "Le PDF contient du JavaScript : il est refusé."),
    "launch": (_pdf(_launch), "Le PDF contient une action qui lance un programme"),
    "embedded_file": (_pdf(_embedded), "Le PDF contient des fichiers joints"),
}


def _protected() -> bytes:
    pdf = pikepdf.open(io.BytesIO(tiny_pdf()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    return out.getvalue()


BAD["password"] = (_protected(), "Le PDF est protégé par un mot de passe")


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("rapport.pdf", content, content_type="application/pdf")


def _files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_service_refuses_active_content(case, registration_a, staff_a, settings):
    content, message = BAD[case]
    with pytest.raises(DomainError, match=message):
        report_upload(
            registration=registration_a, upload=_upload(content), original_name="r.pdf",
            by=staff_a, today=ON_TIME,
        )  # fmt: skip
    assert not Report.objects.exists() and not AuditEntry.objects.exists()
    assert _files(settings) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_page_refuses_active_content(case, client_for, staff_a, registration_a, settings):
    content, message = BAD[case]
    response = client_for(staff_a).post(
        reverse("evaluations:report_page", args=[registration_a.pk]), {"file": _upload(content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Report.objects.exists()
    assert _files(settings) == []


def test_a_clean_pdf_saved_by_pikepdf_is_accepted(registration_a, staff_a):
    report = report_upload(
        registration=registration_a, upload=_upload(_pdf(lambda pdf: None)),
        original_name="r.pdf", by=staff_a, today=ON_TIME,
    )  # fmt: skip
    assert report.version == 1


def test_the_same_file_sent_twice_makes_one_version(registration_a, staff_a):
    first = report_upload(
        registration=registration_a, upload=_upload(tiny_pdf()), original_name="r.pdf",
        by=staff_a, today=ON_TIME,
    )  # fmt: skip
    again = report_upload(
        registration=registration_a, upload=_upload(tiny_pdf()), original_name="r.pdf",
        by=staff_a, today=ON_TIME,
    )  # fmt: skip
    assert again.pk == first.pk
    assert registration_a.reports.count() == 1
    assert AuditEntry.objects.filter(action="cqpm.report.uploaded").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_uploads_of_one_file_make_one_version(centre_a, staff_a):
    from tests.factories.candidates import RegistrationFactory

    # Reports are taken while evaluations are in progress (candidates/lifecycle.py).
    registration = RegistrationFactory(campaign__centre=centre_a, campaign__status="in_progress")
    barrier, results = threading.Barrier(2), []

    def send():
        barrier.wait()
        try:
            results.append(
                report_upload(
                    registration=registration, upload=_upload(tiny_pdf()), original_name="r.pdf",
                    by=staff_a, today=ON_TIME,
                ).pk
            )  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert Report.objects.filter(registration=registration).count() == 1
