"""`manage.py cdc_export --campaign ID | --session ID | --since DATE [--output PATH] [--check]`:
the XML flux of the holders to deposit with the Caisse des Dépôts, validated against the XSD
(contract, DESIGN.md §9), on standard output or in PATH; `--check` prints what is missing only
and exits 1 when anything is. Through the same service as the staff page (cdc.services); the
command sees every centre."""

import codecs
import datetime
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from candidates.models import Campaign
from cdc.selectors import Target, check_report
from cdc.services import cdc_export
from cqpm.core.errors import DomainError
from deliberations.models import JurySession


class Command(BaseCommand):
    help = (
        "Génère le flux XML des titulaires à déposer à la Caisse des Dépôts (validé par le "
        "schéma de la CDC), ou, avec --check, la liste de ce qui manque."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--campaign", type=int, help="identifiant de la campagne")
        which.add_argument("--session", type=int, help="identifiant de la session de jury")
        which.add_argument("--since", help="jurys tenus depuis cette date (AAAA-MM-JJ)")
        parser.add_argument("--output", help="fichier où écrire le XML (sinon la sortie standard)")
        parser.add_argument(
            "--check", action="store_true", help="seulement la liste de ce qui manque"
        )

    def handle(self, *args, **options):
        target = _target(options)
        if options["check"]:
            self._check(target)
            return
        try:
            result = cdc_export(target=target, by=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in result.refused:
            self.stderr.write(_line(line))
        self._write(result.flux, options["output"])
        self.stderr.write(
            f"Flux {result.flux.id_flux} : {result.flux.holder_count} titulaire(s), "
            f"{len(result.refused)} aux données incomplètes laissé(s) de côté."
        )

    def _check(self, target):
        report = check_report(target)
        for problem in report.blocking:
            self.stdout.write(f"{problem.campaign.name} : {problem.text}")
        for line in report.refused:
            self.stdout.write(_line(line))
        self.stdout.write(
            f"{report.certified} titulaire(s), {report.block_holders} bloc(s) validé(s), "
            f"{report.exportable} prêt(s) à déposer, "
            f"{len(report.refused)} refusé(s)."
        )
        if not report.ok:
            sys.exit(1)

    def _write(self, flux, output):
        with flux.file.open("rb") as source:
            if output:
                with open(output, "wb") as out:
                    shutil.copyfileobj(source, out)
            else:
                _copy_to_text(source, self.stdout._out)


def _copy_to_text(source, out) -> None:
    """The XML's bytes to a text stream: as bytes when it has a buffer (a terminal, a pipe)."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        shutil.copyfileobj(source, buffer)
        buffer.flush()
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in iter(lambda: source.read(1 << 16), b""):
        out.write(decoder.decode(chunk))
    out.write(decoder.decode(b"", final=True))


def _line(line) -> str:
    what = f", bloc {line.row.block_label}" if line.is_block else ""
    where = f"{line.row.label} (inscription {line.row.registration_id}{what}) : "
    return where + " ".join(line.problems)


def _target(options) -> Target:
    if options["campaign"] is not None:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Campagne {options['campaign']} introuvable.")
        return Target(campaign=campaign)
    if options["session"] is not None:
        session = JurySession.objects.select_related("campaign").filter(pk=options["session"])
        if not session:
            raise CommandError(f"Session de jury {options['session']} introuvable.")
        return Target(session=session.first())
    try:
        since = datetime.date.fromisoformat(options["since"])
    except ValueError:
        raise CommandError("--since : date attendue au format AAAA-MM-JJ.") from None
    return Target(since=since)
