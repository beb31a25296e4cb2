from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "cqpm.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import observability, seams  # noqa: F401 - observability connects Celery signals

        seams.register()
        checks.register(check_seams)


def check_seams(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start when a handler waits on a lifecycle hook no app declared."""
    from .registry import check_registry

    return [checks.Error(problem, id="cqpm.E001") for problem in check_registry()]
