#!/usr/bin/env bash
# Back up PostgreSQL (pg_dump, custom format) and every stored file into one new folder:
#   scripts/backup.sh DEST      -> DEST/database.dump, DEST/files/, DEST/files.sha256
# Reads DATABASE_URL and the storage settings (MEDIA_ROOT or AWS_*) from the environment, like the
# application. PYTHON defaults to .venv/bin/python (set PYTHON=python inside the image).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/backup.sh DEST}
python=${PYTHON:-.venv/bin/python}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: PostgreSQL only (DATABASE_URL=postgres://…)" >&2; exit 2 ;;
esac
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "backup.sh: $dest is not empty" >&2; exit 2
fi
mkdir -p "$dest"
# The database first: a file written after the dump is at worst an orphan, never a missing one.
pg_dump --format=custom --no-owner --no-privileges --file="$dest/database.dump" "$DATABASE_URL"
"$python" scripts/storage_files.py export "$dest/files"
echo "sauvegarde complète : $dest"
