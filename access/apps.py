from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what: the actions and the role functions, registered in cqpm.core.access."""

    name = "access"
    verbose_name = "Droits d'accès"

    def ready(self) -> None:
        from . import actions, roles

        actions.register()
        roles.register()
