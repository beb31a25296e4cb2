"""scripts/backup.sh and scripts/restore.sh, run as an operator would: the test database and its
files backed up, restored into a fresh database and an empty storage, then compared."""

import hashlib
import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from candidates.models import Candidate, Registration
from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from documents import services
from documents.models import Document

pytestmark = pytest.mark.django_db(transaction=True)
TABLES = [Candidate, Registration, Decision, Document, AuditEntry]


@pytest.fixture
def fresh_database():
    """An empty database beside the test one, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: PostgreSQL only")
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_its_files(
    fresh_database, jury, staff_a, tmp_path
):
    document = services.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    backup = tmp_path / "sauvegarde"

    _run("backup.sh", backup, database=connection.settings_dict["NAME"], media=settings.MEDIA_ROOT)
    restored_media = tmp_path / "media-restauree"
    _run("restore.sh", backup, database=fresh_database, media=restored_media)

    with psycopg.connect(_url(fresh_database)) as restored:
        for model in TABLES:
            table = model._meta.db_table
            (count,) = restored.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
            assert count == model.objects.count() > 0, table
        name, sha256 = restored.execute(
            f'SELECT file, sha256 FROM "{Document._meta.db_table}" WHERE id = %s',  # noqa: S608
            (document.pk,),
        ).fetchone()
    assert (name, sha256) == (document.file.name, document.sha256)
    assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == document.sha256


def _url(database: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def _run(script: str, folder: Path, *, database: str, media: Path) -> None:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media)}
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    result = subprocess.run(  # noqa: S603 - the project's own script
        ["bash", f"scripts/{script}", str(folder)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
