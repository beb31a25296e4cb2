"""`manage.py api_token EMAIL [--read-only] [--name NAME]`: a new API token for scripts and tests.

Prints the token alone on one line (stdout), nothing else: `TOKEN=$(manage.py api_token …)`.
The token has exactly the rights of the account EMAIL; it is read-write unless `--read-only`.
Its creation is audited like one made on the « Jetons d'API » page. Exit status 1, with a French
message on stderr, when the account is unknown or disabled or the name is refused.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from api.services import api_token_create
from cqpm.core.errors import DomainError


class Command(BaseCommand):
    help = "Crée un jeton d'API pour le compte EMAIL et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mail du compte titulaire du jeton")
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="Jeton en lecture seule (sinon lecture-écriture)",
        )
        parser.add_argument("--name", default="", help="Nom du jeton (par défaut : « script »)")

    def handle(self, *args, email, read_only, name, **options):
        owner = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if owner is None:
            raise CommandError(_("Aucun compte n'a l'adresse « %(email)s ».") % {"email": email})
        try:
            _token, secret = api_token_create(
                owner=owner, name=name or _("script"), read_only=read_only, by=None
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(secret)
