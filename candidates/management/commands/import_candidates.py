"""`manage.py import_candidates --campaign ID FILE`: the bulk import, from the command line.

Exit status 0 when every row is imported, 1 when the file is refused (every error on stderr, in
French, with its line and column; nothing written), 2 for bad arguments.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from candidates.importing import ImportRefused, registrations_import
from candidates.models import Campaign
from cqpm.core.errors import DomainError


class Command(BaseCommand):
    help = "Inscrit à une campagne les candidats d'un fichier CSV ou XLSX (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .csv (; ou ,) ou .xlsx")
        parser.add_argument("--campaign", type=int, required=True, help="Identifiant de campagne")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifier le fichier sans rien écrire"
        )
        parser.add_argument(
            "--by", default="", help="E-mail du compte auquel attribuer l'import (journal)"
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(_("Campagne %(id)s introuvable.") % {"id": options["campaign"]})
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        by = self._actor(options["by"])
        try:
            with path.open("rb") as handle:
                report = registrations_import(
                    campaign=campaign,
                    file=handle,
                    filename=path.name,
                    by=by,
                    dry_run=options["dry_run"],
                )
        except ImportRefused as refusal:
            for issue in refusal.issues:
                self.stderr.write(str(issue))
            raise CommandError(refusal.message) from refusal
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self._summary(report, campaign))

    def _actor(self, email: str):
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(_("Aucun compte pour l'e-mail %(email)s.") % {"email": email})
        return user

    def _summary(self, report, campaign) -> str:
        values = {
            "count": report.count,
            "campaign": campaign.name,
            "candidates": report.new_candidates,
            "companies": report.new_companies,
            "tutors": len(report.new_tutors),
        }
        if report.dry_run:
            text = _(
                "Vérification réussie : %(count)d inscriptions possibles dans « %(campaign)s » "
                "(%(candidates)d nouveaux candidats, %(companies)d nouvelles entreprises, "
                "%(tutors)d nouveaux comptes de tuteur). Rien n'a été écrit."
            )
        else:
            text = _(
                "%(count)d inscriptions importées dans « %(campaign)s » "
                "(%(candidates)d nouveaux candidats, %(companies)d nouvelles entreprises, "
                "%(tutors)d nouveaux comptes de tuteur)."
            )
        return text % values
