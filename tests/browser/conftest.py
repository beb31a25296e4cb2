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

from ..celery_support import private_broker, running_worker

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is served under the site's own origin: the Content-Security-Policy allows same-origin
# scripts only, and an inline <script> (add_script_tag(path=...)) would be refused.
AXE_PATH = "/__tests__/axe.min.js"
# Reports each policy violation on the console, where the Journey collects it; an init script
# runs outside the page's policy.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' +
                e.sourceFile + ':' + e.lineNumber));"""
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
# Violations excused while their fix is pending, each matched by (axe rule, URL fragment) and
# printed at the end of the run; nothing else is excused. Empty: keep it so.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: Playwright's sync API keeps an event loop running in this
    thread, so the ORM needs DJANGO_ALLOW_ASYNC_UNSAFE while it lives, and not a test longer
    (`check --deploy` in a later test's subprocess would see the variable: async.E001)."""
    if os.environ.get("CQPM_BROWSER_TESTS") == "0":
        pytest.skip("tests dans le navigateur désactivés (CQPM_BROWSER_TESTS=0)")
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

    def __init__(self, folder: Path, widths: tuple[int, ...] = ()):
        self.folder = folder
        self.step = 0
        self.violations: list[str] = []
        self.known: set[str] = set()
        self.csp_violations: list[str] = []
        # With `widths`, every page is checked again at each of them (axe and no horizontal
        # scroll), then given back its own size; `too_wide` says what sticks out where.
        self.widths = widths
        self.too_wide: list[str] = []

    def watch(self, context) -> None:
        """Serve axe-core from the site's origin and collect Content-Security-Policy violations."""
        context.route(
            f"**{AXE_PATH}",
            lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
        )
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)

    def _console(self, message) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def check(self, page, name: str) -> None:
        """Screenshot the page and record its serious or critical accessibility violations."""
        page.wait_for_load_state("load")
        self.step += 1
        page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)
        page.add_script_tag(url=AXE_PATH)
        if not self.widths:
            self._axe(page, name)
            return
        size = page.viewport_size
        try:
            for width in self.widths:
                page.set_viewport_size({"width": width, "height": 900})
                self._axe(page, f"{name} @{width}px")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    self.too_wide.append(f"{name} @{width}px: {scroll}px — {page.evaluate(WIDEST)}")
        finally:
            page.set_viewport_size(size)

    def _axe(self, page, name: str) -> None:
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


# Names the elements that stick out of the screen, to say what to fix when a width check fails.
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-responsive') || e.classList.contains('table-responsive'))
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase()
            + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
  .join(', ')"""


@pytest.fixture
def journey(artifacts):
    journey = Journey(artifacts)
    yield journey
    for reason in sorted(journey.known):
        print(f"\nAccessibilité, violation connue et signalée : {reason}")


_last_codes: dict[int, str] = {}


def totp_code(user) -> str:
    """The current TOTP code of `user`, as their authenticator app would show it. Like a person,
    it waits for the next code rather than typing one that expires in the next seconds (the
    server's tolerance is 0) or one this person already used (allauth refuses a code twice)."""
    import time

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(authenticator.data["secret"])
    period = 30
    while True:
        remaining = period - time.time() % period
        if remaining < 5:
            time.sleep(remaining + 0.2)
            continue
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
        if _last_codes.get(user.pk) == code:
            time.sleep(remaining + 0.2)
            continue
        _last_codes[user.pk] = code
        return code


# --- A real Celery worker ---------------------------------------------------------------------


@pytest.fixture
def celery_worker_thread(tmp_path, live_server):
    """cqpm.celery.app's worker (solo pool) in a thread of this process, as in production."""
    with private_broker(tmp_path), running_worker() as worker:
        yield worker


def wait_until(predicate, *, timeout=60.0, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError("timed out")
