"""Several hosts: two Celery workers in separate processes, sharing only the database, the
broker and the file storage, render each document of a batch exactly once.

Each worker consumes the shared queue and a queue of its own, and every render is also sent to
both private queues: both processes try every document, whatever their start-up order, and only
the database's conditional claim keeps them from rendering one twice. On SQLite the in-memory
test database is copied to a file the workers open (WAL and a busy timeout, as in settings).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from cqpm.celery import app as celery_app
from cqpm.core.models import AuditEntry
from documents import services
from documents.models import Document, DocumentBatch
from documents.tasks import generate_document

from ..celery_support import private_broker, uses_filesystem_broker, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
Status = Document.Status


def test_two_worker_processes_render_each_document_of_a_batch_once(jury, staff_a, tmp_path):
    if connection.vendor == "sqlite" and not uses_filesystem_broker():
        pytest.skip("SQLite's test database reaches worker processes only as a file copy.")
    var = tmp_path / "var"
    (var / "celery" / "queue").mkdir(parents=True)
    queues = [f"w{n}-{uuid.uuid4().hex[:8]}" for n in (1, 2)]
    with private_broker(var / "celery" / "queue"):
        batch = services.batch_request(jury_session=jury.session, by=staff_a)
        ids = sorted(batch.documents.values_list("pk", flat=True))
        sent = [
            generate_document.apply_async((pk,), queue=queue).id for queue in queues for pk in ids
        ]
        database = _database_for_workers(tmp_path)
        logs = [tmp_path / f"{queue}.log" for queue in queues]
        workers = [
            _start_worker(queue, log, var=var, database=database)
            for queue, log in zip(queues, logs, strict=True)
        ]
        try:
            wait_for(lambda: _all_handled(sent, logs), timeout=120)
            wait_for(lambda: _read(database, _ARCHIVED, batch.pk) != [("",)], timeout=60)
        finally:
            _stop(workers)
            _delete_queues(queues)

    documents = _read(database, _DOCUMENTS)
    assert [(pk, status, attempts) for pk, status, attempts, _ in documents] == [
        (pk, Status.READY, 1) for pk in ids
    ]
    generated = _read(database, _GENERATED, "cqpm.documents.document.generated")
    assert sorted(int(object_id) for (object_id,) in generated) == ids
    for log in logs:  # each process took its share: every document reached both
        assert log.read_text().count("generate_document[") >= 2 * len(ids)
    (archive_name,) = _read(database, _ARCHIVED, batch.pk)[0]
    with default_storage.open(archive_name) as handle, zipfile.ZipFile(handle) as archive:
        assert len(archive.namelist()) == len(ids)


_DOCUMENTS = f"SELECT id, status, attempts, file FROM {Document._meta.db_table} ORDER BY id"  # noqa: S608
_GENERATED = f"SELECT object_id FROM {AuditEntry._meta.db_table} WHERE action = %s"  # noqa: S608
_ARCHIVED = f"SELECT archive FROM {DocumentBatch._meta.db_table} WHERE id = %s"  # noqa: S608


def _database_for_workers(tmp_path: Path) -> str:
    """The test database's URL for other processes; on SQLite, a file copy of it."""
    db = connection.settings_dict
    if connection.vendor != "sqlite":
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    target = tmp_path / "workers.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{target}"


def _read(database: str, query: str, *params) -> list[tuple]:
    """Rows from the workers' database (the test's own connection on PostgreSQL)."""
    if database.startswith("sqlite:///"):
        with sqlite3.connect(database.removeprefix("sqlite:///"), timeout=20) as db:
            return db.execute(query.replace("%s", "?"), params).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _start_worker(queue: str, log: Path, *, var: Path, database: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cqpm.settings",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CQPM_VAR_DIR": str(var),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # The session's throwaway seal (tests/conftest.py), not a demo certificate under var/.
        "PDF_SEAL_PKCS12_FILE": str(settings.PDF_SEAL_PKCS12_FILE),
        "PDF_SEAL_PASSPHRASE": settings.PDF_SEAL_PASSPHRASE,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cqpm", "worker",
        "--pool=solo", f"--hostname={queue}@%h", f"--queues={queue},celery",
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _all_handled(task_ids: list[str], logs: list[Path]) -> bool:
    """Every task sent ran to its end: rendered, found done, or put off (another holds it)."""
    text = "".join(log.read_text() for log in logs if log.exists())
    return all(
        f"[{task_id}] succeeded" in text or f"[{task_id}] retry" in text for task_id in task_ids
    )


def _stop(workers: list[subprocess.Popen]) -> None:
    """Cold shutdown of both at once: renders put off until later are of no use any more."""
    for worker in workers:
        worker.send_signal(signal.SIGQUIT)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _delete_queues(queues: list[str]) -> None:
    # A render put off by DocumentBusy waits in its queue; nothing must outlive the test.
    with celery_app.connection_for_write() as conn:
        for queue in queues:
            conn.default_channel.queue_delete(queue)
