from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    name = "deliberations"
    verbose_name = "Commissions d'évaluation et jurys"

    def ready(self) -> None:
        from . import seams

        seams.register()
