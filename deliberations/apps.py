from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    name = "deliberations"
    verbose_name = "Commissions d'évaluation et jurys"
