from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cqpm.core"
    label = "core"
    verbose_name = "Socle"
