"""The Celery application: configuration from Django settings, under the CELERY_ namespace."""

import os

from celery import Celery

from cqpm.core.broker import install as install_atomic_filesystem_broker

install_atomic_filesystem_broker()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqpm.settings")

app = Celery("cqpm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
