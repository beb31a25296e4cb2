"""Request ids and JSON log lines: an id per request, a trusted proxy's id kept, a spoofed one
replaced, and one JSON access line carrying the id, the user, the path, the status and the time."""

import io
import json
import logging
import re

import pytest
from django.urls import reverse

from cqpm.core.observability import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db

PROXY_ID = "proxy-4f1c2a9e-0001"


@pytest.fixture
def json_lines():
    """What the production console handler writes, for the loggers of interest."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("cqpm.request", "cqpm.core.ratelimit")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_each_response_carries_a_fresh_request_id(client):
    first = client.get(reverse("account_login"))["X-Request-ID"]
    second = client.get(reverse("account_login"))["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_it_keeps_the_id_of_a_trusted_proxy_and_replaces_a_spoofed_one(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    trusted = client.get(
        reverse("account_login"), REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID=PROXY_ID
    )
    spoofed = client.get(
        reverse("account_login"), REMOTE_ADDR="198.51.100.7", HTTP_X_REQUEST_ID=PROXY_ID
    )

    assert trusted["X-Request-ID"] == PROXY_ID
    assert spoofed["X-Request-ID"] != PROXY_ID


def test_it_writes_one_json_access_line_per_request(client_for, tutor, json_lines):
    response = client_for(tutor).get(reverse("home"))

    [line] = [entry for entry in json_lines() if entry["logger"] == "cqpm.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == tutor.pk
    assert line["path"] == reverse("home") and line["status"] == 200
    assert line["level"] == "INFO" and line["message"] == f"GET {reverse('home')} 200"
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")


def test_lines_logged_during_the_request_carry_its_id(client, dead_redis_cache, json_lines):
    # Redis is down: the limiter warns, in the request's context.
    response = client.get(reverse("documents:verify", args=["f" * 32]))

    warning = next(e for e in json_lines() if e["logger"] == "cqpm.core.ratelimit")
    assert warning["request_id"] == response["X-Request-ID"]
    assert warning["path"].startswith("/verifier/") and "user_id" not in warning
