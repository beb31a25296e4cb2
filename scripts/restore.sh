#!/usr/bin/env bash
# Restore a folder written by scripts/backup.sh into an EMPTY database and the configured storage:
#   createdb cqpm_restored && DATABASE_URL=postgres://…/cqpm_restored scripts/restore.sh SRC
# The files are checked against SRC/files.sha256 before anything is written.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/restore.sh SRC}
python=${PYTHON:-.venv/bin/python}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
test -f "$src/database.dump" || { echo "restore.sh: no $src/database.dump" >&2; exit 2; }
if [ -s "$src/files.sha256" ]; then
  (cd "$src/files" && sha256sum --check --quiet ../files.sha256)
fi
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$src/files"
"$python" scripts/storage_files.py import "$src/files"
echo "restauration complète depuis $src"
