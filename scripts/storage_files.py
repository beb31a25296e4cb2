"""Copy every stored file between the configured storage and a local folder, for backups.

    python scripts/storage_files.py export FOLDER   # storage -> FOLDER (and FOLDER.sha256)
    python scripts/storage_files.py import FOLDER   # FOLDER -> storage (same names)

The storage is the one the settings configure (MEDIA_ROOT, or the S3-compatible bucket named by
AWS_STORAGE_BUCKET_NAME): the same code copies both, through Django's storage API, like
`aws s3 sync`. Each file is streamed, never read whole into memory.
"""

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1024 * 1024


def stored_names(storage, folder: str = "") -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # an empty MEDIA_ROOT not created yet
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}{sub}/")
    return sorted(names)


def export(storage, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in stored_names(storage):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        lines.append(f"{digest.hexdigest()}  {name}\n")
    Path(f"{target}.sha256").write_text("".join(lines))
    return len(lines)


def restore(storage, source: Path) -> int:
    from cqpm.core.storage import storage_replace

    count = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        with path.open("rb") as handle:
            storage_replace(name, handle, storage=storage)
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("export", "import"):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqpm.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    folder = Path(argv[2])
    if argv[1] == "export":
        print(f"{export(default_storage, folder)} fichiers copiés depuis le stockage")
    else:
        print(f"{restore(default_storage, folder)} fichiers remis dans le stockage")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
