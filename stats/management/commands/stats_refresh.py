"""`manage.py stats_refresh`: count again every closed jury session for the statistics (after
an upgrade, or data loaded in bulk); what a session's closing does for one session."""

from django.core.management.base import BaseCommand

from stats.services import counts_refresh_all


class Command(BaseCommand):
    help = "Recompte chaque jury clos pour les statistiques (mise à niveau, données importées)."

    def handle(self, *args, **options):
        sessions = counts_refresh_all()
        self.stdout.write(f"{sessions} jury(s) clos décompté(s).")
