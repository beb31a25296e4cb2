"""Operations: a private broker folder for the health page's ping, fresh rate-limit counters,
and a cache URL pointing at a closed port (a real Redis client meeting a dead server)."""

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings

from ..celery_support import private_broker


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory):
    with private_broker(tmp_path_factory.mktemp("celery-operations")):
        yield


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.2  # no worker runs here: the ping waits this long
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dead_redis_cache():
    """CACHES on a Redis URL where nothing listens: every cache call meets a refused connection.
    Undone before the counters are cleared (fixtures end in reverse order)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": dead}):
        yield port
