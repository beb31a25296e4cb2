"""Write (or check) docs/ACCESS.md's roles × actions table, generated from the code."""

from argparse import ArgumentParser
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from access.docs import render

DOC = Path(settings.BASE_DIR) / "docs" / "ACCESS.md"


class Command(BaseCommand):
    help = "Affiche la table des rôles et des actions ; --write l'écrit dans docs/ACCESS.md."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--write", action="store_true", help="écrire docs/ACCESS.md")
        parser.add_argument(
            "--check", action="store_true", help="échouer si docs/ACCESS.md diffère"
        )

    def handle(
        self, *args: str, write: bool = False, check: bool = False, **options: object
    ) -> None:
        text = render()
        if write:
            DOC.write_text(text, encoding="utf-8")
        elif check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(
                    "docs/ACCESS.md ne correspond plus au code : lancez "
                    "« manage.py access_table --write »."
                )
        else:
            self.stdout.write(text)
