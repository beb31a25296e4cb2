"""`manage.py seed_demo [--registrations N]`: demo centres, campaigns, candidates and accounts.

Prints one line per account, `ROLE<TAB>CENTRE<TAB>EMAIL<TAB>PASSWORD[<TAB>TOTP_SECRET]`, and
writes the same lines to var/demo-accounts.tsv. Idempotent. See candidates/demo.py.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from candidates import demo
from cqpm.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Crée (une seule fois) les données de démonstration : deux centres, leurs campagnes, "
        "des candidats à chaque étape et un compte par rôle ; affiche les comptes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--registrations",
            type=int,
            default=None,
            metavar="N",
            help="Porter la première campagne de démonstration à N inscriptions (benchmarks).",
        )

    def handle(self, *args, **options):
        if options["registrations"] is not None and options["registrations"] < 0:
            raise CommandError("--registrations doit être un nombre positif.")
        try:
            ctx = demo.run(
                stdout=self.stdout,
                verbosity=options["verbosity"],
                registrations=options["registrations"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        lines = [account.line() for account in demo.accounts_of(ctx)]
        for line in lines:
            self.stdout.write(line)
        path = Path(settings.VAR_DIR) / "demo-accounts.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)  # passwords and TOTP secrets
