from django.apps import AppConfig


class CdcConfig(AppConfig):
    """Holders declared to the Caisse des Dépôts (CPF « accrochage »): the check before a deposit,
    the XML flux validated against the CDC's XSD, and what the CDC answered, holder by holder."""

    name = "cdc"
    verbose_name = "Dépôt des titulaires à la Caisse des Dépôts"

    def ready(self) -> None:
        from . import seams

        seams.register()
