"""The request id travels with the tasks a request queues: a real worker (in a thread, on the
broker) logs the task's lines with the id of the request that queued it, as a JSON line."""

import io
import json
import logging

import pytest
from django.urls import reverse

from cqpm.core.observability import JsonFormatter, RequestContextFilter
from documents.models import Document

from ..celery_support import wait_for
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


def test_the_health_page_is_ok_while_a_worker_answers(live_worker, client, settings, db):
    # The check returns at the first reply; a loaded machine may take a while to give it.
    settings.HEALTH_CELERY_TIMEOUT = 30.0
    settings.HEALTH_CHECK_TOKEN = "jeton-de-supervision-0123456789"
    response = client.get(
        reverse("health"),
        HTTP_ACCEPT="application/json",
        HTTP_AUTHORIZATION="Bearer jeton-de-supervision-0123456789",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
