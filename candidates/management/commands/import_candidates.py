"""`manage.py import_candidates --campaign ID FILE`: the bulk import, from the command line.

Exit status 0 when every row is imported, 1 when the file is refused (every error on stderr, in
French, with its line and column; nothing written), 2 for bad arguments.

Possible homonyms (same names and birth date as a known person or another line, another e-mail)
need an explicit decision: `--homonym 12=same` (the known person; `12=same:<id>` names one of
several), `--homonym 12=different` (a new person), or `--homonym all=different`. Without one the
file is refused, naming the lines. A known person's new contact data is ignored unless
`--update-contact LINE` (or `--update-contacts` for every line) accepts it.
"""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from candidates.importing import ImportRefused, homonym_message, registrations_import
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
        parser.add_argument(
            "--homonym",
            action="append",
            default=[],
            metavar="LIGNE=same|different",
            help="Homonyme possible : même personne (same, same:ID) ou personne différente "
            "(different) ; LIGNE peut être all.",
        )
        parser.add_argument(
            "--update-contact",
            action="append",
            type=int,
            default=[],
            metavar="LIGNE",
            help="Reprendre l'e-mail et le téléphone du fichier pour la personne de cette ligne.",
        )
        parser.add_argument(
            "--update-contacts",
            action="store_true",
            help="Reprendre les coordonnées du fichier pour toutes les personnes connues.",
        )
        parser.add_argument(
            "--late-reason",
            default="",
            help="Motif des inscriptions tardives (campagne en cours d'évaluation)",
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(_("Campagne %(id)s introuvable.") % {"id": options["campaign"]})
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        by = self._actor(options["by"])
        homonyms = self._homonyms(options["homonym"])
        updates = True if options["update_contacts"] else set(options["update_contact"])
        try:
            with path.open("rb") as handle:
                report = self._import(campaign, handle, path.name, by, homonyms, updates, options)
        except ImportRefused as refusal:
            for issue in refusal.issues:
                self.stderr.write(str(issue))
            raise CommandError(refusal.message) from refusal
        except DomainError as error:
            raise CommandError(error.message) from error
        for line in self._details(report):
            self.stdout.write(line)
        self.stdout.write(self._summary(report, campaign))

    def _details(self, report):
        for question in report.undecided:
            yield _("Ligne %(line)d : %(message)s") % {
                "line": question.line,
                "message": homonym_message(question),
            }
        for fill in report.fills:
            values = ", ".join(f"{label} : {value}" for label, _before, value in fill.items)
            yield _("Ligne %(line)d : identité complétée pour %(person)s : %(values)s") % {
                "line": fill.line,
                "person": fill.person,
                "values": values,
            }
        for change in report.changes:
            values = ", ".join(
                f"{label} {before or '—'} → {after}" for label, before, after in change.items
            )
            if change.accepted:
                state = _("repris")
            else:
                state = _("ignoré (--update-contact %(line)d pour le reprendre)")
            if set(change.after) - {"email", "phone"}:
                text = _("Ligne %(line)d : données différentes pour %(person)s : %(values)s — ")
            else:
                text = _("Ligne %(line)d : coordonnées différentes pour %(person)s : %(values)s — ")
            yield text % {
                "line": change.line,
                "person": change.person,
                "values": values,
            } + state % {"line": change.line}

    def _import(self, campaign, handle, name, by, homonyms, updates, options):
        if "all" in homonyms:
            decision = homonyms.pop("all")
            preview = registrations_import(
                campaign=campaign,
                file=handle,
                filename=name,
                by=by,
                dry_run=True,
                late_reason=options["late_reason"],
            )
            homonyms = {q.line: decision for q in preview.homonyms} | homonyms
        return registrations_import(
            campaign=campaign,
            file=handle,
            filename=name,
            by=by,
            dry_run=options["dry_run"],
            homonyms=homonyms,
            contact_updates=updates,
            late_reason=options["late_reason"],
        )

    def _homonyms(self, values: list[str]) -> dict:
        decisions: dict = {}
        for value in values:
            match = re.fullmatch(r"(\d{1,7}|all)=(same(?::\d+)?|different)", value.strip())
            if match is None:
                raise CommandError(
                    _(
                        "--homonym « %(value)s » : LIGNE=same, LIGNE=same:ID ou LIGNE=different "
                        "attendu (LIGNE : un numéro de ligne ou all)."
                    )
                    % {"value": value}
                )
            line, decision = match.groups()
            decisions[line if line == "all" else int(line)] = decision
        return decisions

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
