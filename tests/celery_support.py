"""A real Celery worker for tests: a private broker folder, and the worker in a thread.

Shared by tests/documents and tests/browser. On Redis (CI) the configured broker is used as is.
"""

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import OperationalError

from cqpm.celery import app as celery_app


def uses_filesystem_broker() -> bool:
    return celery_app.conf.broker_url.startswith("filesystem://")


@contextlib.contextmanager
def private_broker(folder: Path) -> Iterator[None]:
    """Messages sent inside never land in the project's var/celery folder (filesystem broker);
    on another broker, queued messages are purged first."""
    if not uses_filesystem_broker():
        celery_app.control.purge()
        yield
        return
    previous = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_transport_options = previous
        _reset_connections()


def purge_queue() -> None:
    if uses_filesystem_broker():
        folder = Path(celery_app.conf.broker_transport_options["data_folder_in"])
        for message in folder.glob("*.msg"):
            message.unlink(missing_ok=True)
    else:
        celery_app.control.purge()


def _reset_connections() -> None:
    # Producers and connections made before (with other transport options) are forgotten.
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


@contextlib.contextmanager
def running_worker() -> Iterator[object]:
    """cqpm.celery.app's worker (solo pool) in a thread of this process, as in production."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping
    from celery.contrib.testing.worker import start_worker

    # On SQLite the test database is a file in WAL mode (tests/conftest.py): the worker's
    # thread has its own connection, and a writer waits for another (busy timeout).
    with start_worker(
        celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30
    ) as worker:
        try:
            yield worker
        finally:
            # Whatever the test left queued runs now, before the test's teardown empties the
            # database under the worker's feet.
            wait_idle(worker)


def wait_idle(worker, *, timeout: float = 60.0) -> None:
    """Wait until the worker has no task running or reserved and its queue is empty."""
    from celery.worker import state

    streak = [0]

    def idle() -> bool:
        quiet = not state.active_requests and not state.reserved_requests
        streak[0] = streak[0] + 1 if quiet and _queue_empty(worker) else 0
        # Idle at three polls in a row: a message taken off the queue between two polls but
        # not yet reserved by the worker shows at the next one.
        return streak[0] >= 3

    wait_for(idle, timeout=timeout, step=0.1)


def _queue_empty(worker) -> bool:
    try:
        with worker.app.connection_for_read() as connection:
            name = worker.app.conf.task_default_queue
            declared = connection.default_channel.queue_declare(queue=name, passive=True)
            return declared.message_count == 0
    except Exception:  # a broker that is down or cannot count: rely on the worker state
        return True


def wait_for(predicate: Callable[[], bool], *, timeout: float = 60.0, step: float = 0.2) -> None:
    """Poll until `predicate()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OperationalError:  # SQLite busy beyond its timeout: ask again
            pass
        time.sleep(step)
    raise AssertionError("the worker did not finish in time")


class RedisServer:
    """A private redis-server on a free loopback port, without persistence: stop() and start()
    it to cut the broker off and bring it back (what an outage does, lost messages included)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local command
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self._answers, timeout=10, step=0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Point cqpm.celery.app (its CELERY_BROKER_URL) at another broker for the block.

    Celery reads the CELERY_BROKER_URL environment variable before its configuration (CI sets
    it), so both are set."""
    conf = celery_app.conf
    previous = conf.get("broker_url"), conf.broker_transport_options
    previous_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    conf.broker_url, conf.broker_transport_options = url, {"visibility_timeout": 3600}
    _reset_connections()
    try:
        yield
    finally:
        if previous_env is None:
            del os.environ["CELERY_BROKER_URL"]
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        conf.broker_url, conf.broker_transport_options = previous
        _reset_connections()
