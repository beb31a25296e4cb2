from django.apps import AppConfig


class TransmissionsConfig(AppConfig):
    name = "transmissions"
    verbose_name = "Transmission au GTP et capitalisation"

    def ready(self) -> None:
        from . import seams

        seams.register()
