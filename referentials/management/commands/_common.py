"""Shared by the referential commands: read a file and import it, reporting in French."""

from pathlib import Path

from django.core.management.base import CommandError

from cqpm.core.errors import DomainError
from referentials.files import ReferentialFileError, referential_file_parse
from referentials.models import Referential
from referentials.services import referential_import


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CommandError(f"Fichier introuvable : {path}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} : le fichier n'est pas encodé en UTF-8.") from exc
    except OSError as exc:
        raise CommandError(f"{path} : lecture impossible ({exc.strerror}).") from exc


def import_file(path: Path) -> str:
    """Import one file; return the line to print, or raise CommandError listing every error."""
    try:
        data = referential_file_parse(text=read_text(path))
        known = set(Referential.objects.filter(code=data["code"]).values_list("pk", flat=True))
        referential = referential_import(data=data)
    except ReferentialFileError as exc:
        raise CommandError(f"{path} : {exc.message}") from exc
    except DomainError as exc:
        raise CommandError(f"{path} : {exc.message}") from exc
    if referential.pk in known:
        return (
            f"Référentiel « {referential.code} » inchangé : la version {referential.version} "
            "a déjà ce contenu, rien n'a été écrit."
        )
    return (
        f"Référentiel « {referential.code} » importé : version {referential.version} "
        f"({referential.get_status_display().lower()}), "
        f"{referential.capacities.count()} capacités."
    )
