"""Add a signing key for the credentials (the first one, or a rotation)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from credentials.keys import issuer_did, issuer_keys, key_generate


class Command(BaseCommand):
    help = (
        "Ajoute une clé Ed25519 de signature des badges au fichier CREDENTIALS_KEY_FILE ; "
        "les clés précédentes restent publiées (rotation)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Ne rien faire si une clé active existe déjà (installation).",
        )

    def handle(self, *args, if_missing: bool = False, **options):
        if settings.CREDENTIALS_KEYS:
            raise CommandError(
                "Les clés viennent de CREDENTIALS_KEYS : ajoutez-y la nouvelle clé vous-même, "
                "ou retirez ce réglage pour utiliser le fichier de clés."
            )
        if if_missing and any(key.active for key in issuer_keys()):
            self.stdout.write("Une clé de signature des badges existe déjà.")
            return
        key = key_generate(path=settings.CREDENTIALS_KEY_FILE)
        # Only public facts: the key's DID URL and the file, never the key itself.
        self.stdout.write(
            f"Nouvelle clé active : {issuer_did()}#{key.id} "
            f"(fichier {settings.CREDENTIALS_KEY_FILE})."
        )
