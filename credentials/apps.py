from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Badges numériques (Open Badges 3.0)"

    def ready(self) -> None:
        from . import seams

        seams.register()
