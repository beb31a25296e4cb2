import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referentials.case_package import case_package
from referentials.files import referential_file_dump
from referentials.models import Referential
from referentials.selectors import case_referential_queryset
from referentials.services import referential_export


class Command(BaseCommand):
    help = (
        "Écrit un référentiel au format YAML du contrat (DESIGN.md §3). Par défaut la version "
        "publiée (à défaut la plus récente), sur la sortie standard."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version (the referential's) replaces Django's (the framework's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("code", help="Code du référentiel, par exemple « 2015 04 54 0303 »")
        parser.add_argument("--version", dest="number", type=int, help="Numéro de version")
        parser.add_argument("--output", type=Path, help="Fichier à écrire au lieu de la sortie")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["yaml", "case"],
            default="yaml",
            help="yaml (le contrat, par défaut) ou case (paquet CASE 1.1 en JSON, versions "
            "publiées ou archivées seulement)",
        )

    def handle(self, *args, code: str, number: int | None, output: Path | None, **options):
        referential = self._find(code, number)
        if options["file_format"] == "case":
            text = self._case(referential)
        else:
            text = referential_file_dump(data=referential_export(referential=referential))
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output} : écriture impossible ({exc.strerror}).") from exc
        self.stderr.write(f"Référentiel « {code} » écrit dans {output}.")

    def _case(self, referential: Referential) -> str:
        public = case_referential_queryset().filter(pk=referential.pk).first()
        if public is None:
            raise CommandError(
                f"La version {referential.version} du référentiel « {referential.code} » est un "
                "brouillon : seules les versions publiées ou archivées existent en CASE."
            )
        return json.dumps(case_package(public), ensure_ascii=False, indent=2) + "\n"

    def _find(self, code: str, number: int | None) -> Referential:
        versions = Referential.objects.filter(code=code)
        if number is not None:
            found = versions.filter(version=number).first()
            if found is None:
                raise CommandError(f"Le référentiel « {code} » n'a pas de version {number}.")
            return found
        found = (
            versions.filter(status=Referential.Status.PUBLISHED).first()
            or versions.order_by("-version").first()
        )
        if found is None:
            raise CommandError(f"Aucun référentiel de code « {code} ».")
        return found
