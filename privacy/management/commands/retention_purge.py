"""`manage.py retention_purge [--dry-run]`: what the retention rules say must go today.

With --dry-run, prints it and writes nothing. Without, writes today's retention report and purges
everything it lists at once (the operator's decision; the daily beat task instead waits
CQPM_RETENTION_NOTICE_DAYS after a report). Contract, DESIGN.md §9."""

from django.core.management.base import BaseCommand

from candidates.models import Candidate
from privacy import services
from privacy.models import RetentionItem


class Command(BaseCommand):
    help = "Applique les durées de conservation (anonymisation, suppression des rapports)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Affiche ce qui serait purgé, sans rien écrire."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            self._print_due()
            return
        counts = services.retention_purge_now()
        self.stdout.write(
            f"Purge : {counts['people']} personne(s) anonymisée(s), {counts['files']} fichier(s) "
            f"supprimé(s), {counts['refused']} refus."
        )

    def _print_due(self) -> None:
        due = services.retention_due()
        people = {i.candidate_id: i for i in due if i.kind == RetentionItem.Kind.PERSON}
        files = [i for i in due if i.kind == RetentionItem.Kind.EVIDENCE]
        names = {
            c.pk: str(c) for c in Candidate.objects.filter(pk__in={i.candidate_id for i in due})
        }
        self.stdout.write(
            f"Simulation : {len(people)} personne(s) à anonymiser, "
            f"{len(files)} fichier(s) à supprimer."
        )
        for item in people.values():
            self.stdout.write(
                f"personne\t{item.candidate_id}\t{names[item.candidate_id]}\t"
                f"dernier jury {item.last_activity:%d/%m/%Y}"
            )
        for item in files:
            self.stdout.write(
                f"rapport\t{item.evidence_id}\t{names[item.candidate_id]}\t"
                f"déposé le {item.last_activity:%d/%m/%Y}"
            )
