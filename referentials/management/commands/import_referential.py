from pathlib import Path

from django.core.management.base import BaseCommand

from ._common import import_file


class Command(BaseCommand):
    help = (
        "Importe un référentiel CQPM depuis un fichier YAML (contrat DESIGN.md §3). Un premier "
        "référentiel est publié ; un fichier modifié d'un code publié devient une nouvelle "
        "version en brouillon (différences affichées), publiée seulement avec --publish. "
        "Un fichier invalide est refusé en entier, chaque erreur étant localisée."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Chemin du fichier YAML")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publier la nouvelle version (archive la précédente, sauf si une campagne "
            "en cours l'utilise : refusé).",
        )

    def handle(self, *args, path: Path, publish: bool = False, **options):
        self.stdout.write(self.style.SUCCESS(import_file(path, publish=publish)))
