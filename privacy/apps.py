from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Données personnelles (RGPD)"

    def ready(self) -> None:
        from . import seams

        seams.register()
