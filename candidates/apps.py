from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Centres, campagnes et candidats"

    def ready(self) -> None:
        from . import seams

        seams.register()
