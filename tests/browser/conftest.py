"""Chromium (Debian's, through Playwright), one browser context per person, axe-core on each page,
screenshots under artifacts/journey/, and a real Celery worker for the documents."""

import json
import os
import time
from pathlib import Path

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db import connection

from cqpm.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "journey"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BLOCKING = {"serious", "critical"}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# Violations found in templates this suite's owner may not edit, reported to their owners; each
# is matched by rule and URL fragment, printed at the end of the run, and nothing else is excused.
KNOWN_VIOLATIONS = {
    ("scrollable-region-focusable", "/import/"): (
        "candidates/templates/candidates/import_preview.html: the .table-responsive wrapper of the "
        'preview scrolls sideways but cannot take the keyboard focus (needs tabindex="0" and a '
        "role/aria-label)"
    ),
}


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: Playwright's sync API keeps an event loop running in this
    thread, so the ORM needs DJANGO_ALLOW_ASYNC_UNSAFE while it lives, and not a test longer
    (`check --deploy` in a later test's subprocess would see the variable: async.E001)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium manquant : lancez `make system-deps` (apt-get install chromium).")
    if not AXE.exists():
        pytest.fail("axe-core manquant : lancez `npm ci` (ou `make test`, qui le fait).")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


class Journey:
    """Screenshots numbered in order, and axe-core's verdict on every page visited."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.step = 0
        self.violations: list[str] = []
        self.known: set[str] = set()

    def check(self, page, name: str) -> None:
        """Screenshot the page and record its serious or critical accessibility violations."""
        page.wait_for_load_state("load")
        self.step += 1
        page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }"
        )
        for violation in result:
            known = [
                reason
                for (rule, fragment), reason in KNOWN_VIOLATIONS.items()
                if violation["id"] == rule and fragment in page.url
            ]
            if known:
                self.known.update(known)
            elif violation["impact"] in BLOCKING:
                self.violations.append(
                    f"{name} ({page.url}): [{violation['impact']}] {violation['id']} — "
                    f"{violation['help']} — {json.dumps(violation['nodes'], ensure_ascii=False)}"
                )


@pytest.fixture
def journey(artifacts):
    journey = Journey(artifacts)
    yield journey
    for reason in sorted(journey.known):
        print(f"\nAccessibilité, violation connue et signalée : {reason}")


def totp_code(user) -> str:
    """The current TOTP code of `user`, as their authenticator app would show it."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


# --- A real Celery worker ---------------------------------------------------------------------


@pytest.fixture
def private_broker(tmp_path):
    """Messages of this test never land in the project's var/celery folder."""
    if not celery_app.conf.broker_url.startswith("filesystem://"):
        celery_app.control.purge()
        yield
        return
    previous = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "processed_folder": str(tmp_path / "processed"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    _reset_connections()
    yield
    celery_app.conf.broker_transport_options = previous
    _reset_connections()


def _reset_connections():
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def celery_worker_thread(private_broker, live_server):
    """cqpm.celery.app's worker (solo pool) in a thread of this process, as in production."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping
    from celery.contrib.testing.worker import start_worker

    if connection.vendor == "sqlite":
        # The in-memory test database is shared with the worker's thread through SQLite's shared
        # cache, where a reader meeting a writer fails at once instead of waiting: the live
        # server's connection (this one) only reads documents, so it reads without table locks.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    with start_worker(
        celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30
    ) as worker:
        yield worker


def wait_until(predicate, *, timeout=60.0, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError("timed out")
