"""Add a signing key for the credentials (the first one, or a rotation)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from credentials.keys import es256_configured, issuer_did, key_generate


class Command(BaseCommand):
    help = (
        "Ajoute une clé P-256 (ES256) de signature des badges au fichier CREDENTIALS_KEY_FILE ; "
        "les clés précédentes restent publiées (rotation)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Ne rien faire si une clé P-256 active existe déjà (installation, mise à jour).",
        )

    def handle(self, *args, if_missing: bool = False, **options):
        if settings.CREDENTIALS_KEYS:
            raise CommandError(
                "Les clés viennent de CREDENTIALS_KEYS : ajoutez-y la nouvelle clé vous-même, "
                "ou retirez ce réglage pour utiliser le fichier de clés."
            )
        # A file of Ed25519 keys only (made before ES256) gets its P-256 key here too.
        if if_missing and es256_configured():
            self.stdout.write("Une clé de signature des badges existe déjà.")
            return
        key = key_generate(path=settings.CREDENTIALS_KEY_FILE)
        # Only public facts: the key's DID URL and the file, never the key itself.
        self.stdout.write(
            f"Nouvelle clé active : {issuer_did()}#{key.id} "
            f"(fichier {settings.CREDENTIALS_KEY_FILE})."
        )
