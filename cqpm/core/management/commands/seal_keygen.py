"""Create the demonstration certificate of the PDF seal (never for production)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqpm.core.seal import seal_demo_generate, seal_source


class Command(BaseCommand):
    help = (
        "Crée un certificat de DÉMONSTRATION pour le sceau des PDF (PKCS#12 auto-signé, "
        "dans PDF_SEAL_PKCS12_FILE). En production, fournissez le certificat de l'organisme."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Ne rien faire si le certificat du sceau existe déjà (installation).",
        )

    def handle(self, *args: Any, if_missing: bool = False, **options: Any) -> None:
        source = seal_source()
        if source.key:
            raise CommandError(
                "Le sceau vient de PDF_SEAL_KEY_FILE et PDF_SEAL_CERT_FILE : rien à créer."
            )
        if if_missing and source.exists():
            self.stdout.write("Le certificat du sceau existe déjà.")
            return
        path = Path(settings.PDF_SEAL_PKCS12_FILE)
        cert = seal_demo_generate(path=path, passphrase=settings.PDF_SEAL_PASSPHRASE)
        self.stdout.write(
            f"Certificat de démonstration du sceau : {cert.subject.human_friendly} "
            f"(fichier {path})."
        )
