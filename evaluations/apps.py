from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "Évaluations et jurys"

    def ready(self) -> None:
        from . import seams

        seams.register()
