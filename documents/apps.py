from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Attestations et procès-verbaux"

    def ready(self) -> None:
        from . import seams

        seams.register()
