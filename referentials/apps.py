from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "referentials"
    verbose_name = "Référentiels"

    def ready(self) -> None:
        from . import seams

        seams.register()
