"""The documents' key paths again, on a real S3-compatible server (moto's, see tests/conftest.py):
generated PDFs and batch ZIPs land in the bucket, never on disk, and are downloaded through the
permission-checked views. The rest of the suite runs on the filesystem storage."""

import hashlib
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentBatch

from ..celery_support import wait_for
from .conftest import all_finished
from .test_views import (  # noqa: F401 - collected again here, on S3
    test_a_new_batch_keeps_the_previous_archive_downloadable_until_its_own_is_ready,
    test_it_downloads_a_ready_pdf_as_an_attachment,
)

pytestmark = [pytest.mark.usefixtures("s3_storage"), pytest.mark.django_db]


def test_a_generated_pdf_is_an_object_of_the_bucket(jury, staff_a, s3_storage, client_for):
    document = services.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()

    assert s3_storage.keys() == [document.file.name]
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=document.file.name)
    data = stored["Body"].read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    response = client_for(staff_a).get(reverse("documents:download", args=[document.pk]))
    assert b"".join(response.streaming_content) == data


def test_replacing_a_file_overwrites_the_object_whole(s3_storage):
    name = services.store_atomically("documents/essai.pdf", b"%PDF-ancien")
    assert services.store_atomically(name, io.BytesIO(b"%PDF-nouveau")) == name

    assert s3_storage.keys() == ["documents/essai.pdf"]
    body = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=name)["Body"].read()
    assert body == b"%PDF-nouveau"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_the_batch_and_its_zip_to_the_bucket(
    live_worker, jury, staff_a, s3_storage
):
    batch = services.batch_request(jury_session=jury.session, by=staff_a)
    ids = list(batch.documents.values_list("pk", flat=True))

    wait_for(lambda: all_finished(*ids))
    wait_for(lambda: DocumentBatch.objects.get(pk=batch.pk).archive_key != "")

    batch.refresh_from_db()
    names = [d.file.name for d in Document.objects.filter(pk__in=ids)]
    assert s3_storage.keys() == sorted([*names, batch.archive.name])
    with batch.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert len(archive.namelist()) == 3
        assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())


def test_the_backup_copies_the_bucket_out_and_back(jury, staff_a, s3_storage, tmp_path):
    storage_files = _script("storage_files")
    document = services.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()

    assert storage_files.export(default_storage, tmp_path / "files") == 1
    manifest = (tmp_path / "files.sha256").read_text()
    assert manifest == f"{document.sha256}  {document.file.name}\n"
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=document.file.name)
    assert storage_files.restore(default_storage, tmp_path / "files") == 1
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


def _script(name: str):
    path = Path(settings.BASE_DIR) / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
