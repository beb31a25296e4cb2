"""The request id travels with the tasks a request queues: a real worker (in a thread, on the
broker) logs the task's lines with the id of the request that queued it, as a JSON line."""

import contextlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cqpm.celery import app as celery_app
from cqpm.core.observability import JsonFormatter, RequestContextFilter
from documents.models import Document

from ..celery_support import _reset_connections, uses_filesystem_broker, wait_for
from .conftest import all_finished

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PROXY_ID = "proxy-7d3e9b21-0042"


@pytest.fixture
def task_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("cqpm.task")
    # Whatever level an earlier test or the worker's start left on the root logger, the task's
    # INFO line reaches this handler.
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_task_logs_with_the_id_of_the_request_that_queued_it(
    live_worker, jury, staff_a, client_for, settings, task_lines
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address: its id is believed
    response = client_for(staff_a).post(
        reverse("documents:create", args=[jury.session.pk]),
        {"kind": Document.Kind.CERTIFICATE, "registration": jury.alice.pk},
        HTTP_X_REQUEST_ID=PROXY_ID,
    )
    document = Document.objects.get()
    wait_for(lambda: all_finished(document.pk))

    assert response["X-Request-ID"] == PROXY_ID
    [line] = [e for e in task_lines() if e.get("task") == "documents.tasks.generate_document"]
    assert line["request_id"] == PROXY_ID
    assert line["logger"] == "cqpm.task" and line["task_id"]


def test_the_health_page_is_ok_while_a_worker_answers(client, settings, db, tmp_path):
    # A worker in a process of its own, as in production: the ping is a broadcast, and the
    # workers this test process ran before (in threads) leave broadcast state behind them.
    settings.HEALTH_CELERY_TIMEOUT = 2.0
    settings.HEALTH_CHECK_TOKEN = "jeton-de-supervision-0123456789"

    def health():
        return client.get(
            reverse("health"),
            HTTP_ACCEPT="application/json",
            HTTP_AUTHORIZATION="Bearer jeton-de-supervision-0123456789",
        )

    with _worker_process(tmp_path) as worker:
        wait_for(lambda: health().status_code == 200 or worker.poll() is not None, timeout=120)
        response = health()

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


@contextlib.contextmanager
def _worker_process(tmp_path: Path):
    """`celery worker` started the way production starts it, on this test's broker."""
    var = tmp_path / "var"
    for folder in ("queue", "processed", "control"):
        (var / "celery" / folder).mkdir(parents=True)
    previous = celery_app.conf.broker_transport_options
    if uses_filesystem_broker():  # the folders the worker's settings derive from its var dir
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(var / "celery" / "queue"),
            "data_folder_out": str(var / "celery" / "queue"),
            "processed_folder": str(var / "celery" / "processed"),
            "control_folder": str(var / "celery" / "control"),
            "store_processed": False,
        }
        _reset_connections()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cqpm.settings",
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CQPM_VAR_DIR": str(var),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cqpm", "worker", "--pool=solo",
        f"--hostname=sante-{os.getpid()}@%h", f"--queues=sante-{os.getpid()}",
        "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        command, cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGQUIT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        celery_app.conf.broker_transport_options = previous
        _reset_connections()
