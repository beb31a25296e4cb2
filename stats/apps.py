from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Statistiques et vue de la branche"

    def ready(self) -> None:
        from . import seams

        seams.register()
