from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API REST"

    def ready(self) -> None:
        from . import seams

        seams.register()
