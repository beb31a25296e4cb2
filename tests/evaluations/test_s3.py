"""Candidates' reports on a real S3-compatible server (moto's, see tests/conftest.py): uploaded
to the bucket, downloaded through the permission-checked view, never written to disk."""

import pytest
from django.urls import reverse

from evaluations.pdf import tiny_pdf

from .test_reports import (  # noqa: F401 - collected again here, on S3
    _service,
    test_it_downloads_with_safe_headers,
    test_it_keeps_earlier_versions_when_replacing,
    test_it_lets_the_session_evaluator_download_and_no_one_else,
    test_it_refuses_bad_files_and_writes_nothing,
    test_it_stores_a_pdf_under_a_random_name_with_its_hash,
    test_it_uploads_through_the_page,
)

pytestmark = [pytest.mark.usefixtures("s3_storage"), pytest.mark.django_db]


def test_a_report_is_an_object_of_the_bucket(registration_a, staff_a, s3_storage, client_for):
    report = _service(registration_a, staff_a)

    assert s3_storage.keys() == [report.file.name]
    body = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=report.file.name)["Body"]
    assert body.read() == tiny_pdf()
    url = reverse("evaluations:report_download", args=[registration_a.pk, report.pk])
    assert b"".join(client_for(staff_a).get(url).streaming_content) == tiny_pdf()
