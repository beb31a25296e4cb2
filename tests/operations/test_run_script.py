"""`make run` as a person uses it: scripts/run.sh serves the app and a Celery worker, answers
French error pages (DEBUG off, whitenoise serving the static files), and Ctrl-C stops
everything it started within a few seconds.

The script runs for real, in its own process group like a terminal's foreground job, on a free
port, with an embedded var dir (SQLite, filesystem broker) of its own."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
# What an instance of `make run` reads; the test's own database, broker or cache must not leak in.
SCRUBBED = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE")
# collectstatic with whitenoise's compression takes a minute on a loaded machine; the same
# manifest without the compressed copies takes two seconds and is what the server reads.
FAST_STATIC = """from cqpm.settings import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(predicate, what: str, *, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: rien après {timeout:.0f} s")


@pytest.fixture
def run_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["CQPM_VAR_DIR"] = str(tmp_path / "var")
    (tmp_path / "fast_static.py").write_text(FAST_STATIC)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "DEBUG": "false", "PYTHONPATH": str(tmp_path)}
        | {"DJANGO_SETTINGS_MODULE": "fast_static"},
        check=True,
    )
    return env


def test_it_serves_french_error_pages_and_stops_on_ctrl_c(run_env):
    port = free_port()
    var = Path(run_env["CQPM_VAR_DIR"])
    script = subprocess.Popen(  # noqa: S603 - our own script
        ["bash", "scripts/run.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group, as a terminal's foreground job
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return get(f"{base}/healthz")[0] == 200
            except OSError:
                return False

        wait_for(up, "/healthz")
        log = var / "worker.log"
        wait_for(lambda: log.exists() and " ready." in log.read_text(), "le worker Celery")

        # DEBUG is off: a missing page is the product's French page, styled by whitenoise.
        status, body = get(f"{base}/cette-page-n-existe-pas/")
        assert status == 404
        assert "Page introuvable" in body and 'lang="fr"' in body
        assert "Using the URLconf" not in body  # Django's technical 404
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body).group(1)
        assert get(base + stylesheet)[0] == 200

        started = [script.pid] + [
            child.pid for child in psutil.Process(script.pid).children(recursive=True)
        ]
        assert len(started) >= 4  # bash, the server, the worker and its pool
        # Started by setsid, the server and the worker are out of the terminal's group: the
        # script's trap is what stops them.
        os.killpg(script.pid, signal.SIGINT)
        script.wait(timeout=10)

        def gone(pid: int) -> bool:
            try:
                return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return True

        assert [pid for pid in started if not gone(pid)] == []
    finally:
        if script.poll() is None:
            for child in psutil.Process(script.pid).children(recursive=True):
                child.kill()
            script.kill()
        script.wait()
