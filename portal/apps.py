from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Espace candidat"

    def ready(self) -> None:
        from . import seams

        seams.register()
