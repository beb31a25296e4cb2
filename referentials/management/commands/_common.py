"""Shared by the referential commands: read a file and import it, reporting in French."""

from pathlib import Path

from django.core.management.base import CommandError

from cqpm.core.errors import DomainError
from referentials.diff import referential_diff
from referentials.files import MAX_FILE_BYTES, ReferentialFileError, referential_file_parse
from referentials.models import Referential
from referentials.services import (
    referential_export,
    referential_import,
    referential_published_for,
)


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:  # refused before a byte is read
            raise CommandError(
                f"{path} : fichier trop volumineux ({MAX_FILE_BYTES // 1024} Ko au plus)."
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CommandError(f"Fichier introuvable : {path}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} : le fichier n'est pas encodé en UTF-8.") from exc
    except OSError as exc:
        raise CommandError(f"{path} : lecture impossible ({exc.strerror}).") from exc


def import_file(path: Path, *, publish: bool = False) -> str:
    """Import one file; return the lines to print, or raise CommandError listing every error."""
    try:
        data = referential_file_parse(text=read_text(path))
        known = set(Referential.objects.filter(code=data["code"]).values_list("pk", flat=True))
        referential = referential_import(data=data, publish=publish)
    except ReferentialFileError as exc:
        raise CommandError(f"{path} : {exc.message}") from exc
    except DomainError as exc:
        raise CommandError(f"{path} : {exc.message}") from exc
    if referential.pk in known and not (publish and referential.is_published):
        if referential.status == Referential.Status.DRAFT:
            return _draft_text(referential, new=False)
        return (
            f"Référentiel « {referential.code} » inchangé : la version {referential.version} "
            "a déjà ce contenu, rien n'a été écrit."
        )
    if referential.status == Referential.Status.DRAFT:
        return _draft_text(referential, new=True)
    return (
        f"Référentiel « {referential.code} » importé : version {referential.version} "
        f"({referential.get_status_display().lower()}), "
        f"{referential.capacities.count()} capacités."
    )


def _draft_text(referential: Referential, *, new: bool) -> str:
    published = referential_published_for(referential=referential)
    head = (
        f"Référentiel « {referential.code} » : "
        + ("nouvelle version" if new else "la version")
        + f" {referential.version} en brouillon"
        + ("" if new else " a déjà ce contenu")
        + ", non publiée (--publish pour la publier, ou l'action « Publier » de l'administration)."
    )
    if published is None:
        return head
    changes = referential_diff(
        before=referential_export(referential=published),
        after=referential_export(referential=referential),
    )
    signs = {"added": "+", "removed": "-", "changed": "~"}
    lines = [f"Différences avec la version publiée {published.version} :"]
    for change in changes:
        text = " → ".join(part for part in (change.before, change.after) if part)
        lines.append(f"  {signs[change.kind]} {change.where} : {text[:300]}")
    return "\n".join([head, *lines])
