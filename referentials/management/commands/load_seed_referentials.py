from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ._common import import_file

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "Importe chaque référentiel livré avec l'application (referentials/data/*.yaml). "
        "Sans effet sur ceux qui sont déjà à jour."
    )

    def handle(self, *args, **options):
        paths = sorted(DATA_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"Aucun fichier de référentiel dans {DATA_DIR}.")
        for path in paths:
            self.stdout.write(import_file(path))
