from pathlib import Path

from django.core.management.base import BaseCommand

from ._common import import_file


class Command(BaseCommand):
    help = (
        "Importe un référentiel CQPM depuis un fichier YAML (contrat DESIGN.md §3) et le publie. "
        "Un fichier invalide est refusé en entier, chaque erreur étant localisée."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Chemin du fichier YAML")

    def handle(self, *args, path: Path, **options):
        self.stdout.write(self.style.SUCCESS(import_file(path)))
