#!/usr/bin/env bash
# `make loadtest`: a scratch PostgreSQL database with a campaign of 10,000 registrations, gunicorn on
# loopback, locust headless (LOADTEST_USERS users for LOADTEST_DURATION), then everything is stopped,
# the database dropped, and loadtest/REPORT.md updated (this run's table above the previous one).
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${LOADTEST_DB:-cqpm_load}
PG=${LOADTEST_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${LOADTEST_PORT:-8765}
USERS=${LOADTEST_USERS:-50}
DURATION=${LOADTEST_DURATION:-2m}
REGISTRATIONS=${LOADTEST_REGISTRATIONS:-10000}
WORKERS=${LOADTEST_WORKERS:-3}
PY=.venv/bin/python

export CQPM_VAR_DIR=$PWD/var/loadtest
export DATABASE_URL=$PG/$DB
export DEBUG=false
export ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY=${SECRET_KEY:-loadtest-only-$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')}
export MFA_ENCRYPTION_KEY=${MFA_ENCRYPTION_KEY:-loadtest-mfa-key-not-for-production}
export SITE_URL=http://127.0.0.1:$PORT
export LOG_LEVEL=WARNING
rm -rf "$CQPM_VAR_DIR" && mkdir -p "$CQPM_VAR_DIR"

psql_admin() { psql "$PG/postgres" -v ON_ERROR_STOP=1 -qAt -c "$1"; }
gunicorn_pid=""
cleanup() {
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT INT TERM

pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL ne répond pas sur 127.0.0.1:5432." >&2; exit 1; }
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql_admin "CREATE DATABASE $DB"

echo "--- base $DB : migrations, référentiel, démonstration à $REGISTRATIONS inscriptions"
$PY manage.py migrate --noinput -v0
$PY manage.py load_seed_referentials >/dev/null
started=$(date +%s)
$PY manage.py seed_demo --registrations "$REGISTRATIONS" >/dev/null
echo "seed_demo : $(( $(date +%s) - started )) s"
$PY manage.py collectstatic --noinput -v0

echo "--- gunicorn ($WORKERS workers) sur 127.0.0.1:$PORT"
.venv/bin/gunicorn cqpm.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$CQPM_VAR_DIR/gunicorn.log" &
gunicorn_pid=$!
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

echo "--- locust : $USERS utilisateurs pendant $DURATION"
set +e
.venv/bin/locust -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
  --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$CQPM_VAR_DIR/locust" \
  --only-summary --loglevel WARNING 2>&1 | tail -n 40
status=${PIPESTATUS[0]}
set -e

$PY loadtest/report.py --csv "$CQPM_VAR_DIR/locust_stats.csv" \
  --failures "$CQPM_VAR_DIR/locust_failures.csv" --report loadtest/REPORT.md \
  --users "$USERS" --duration "$DURATION" --registrations "$REGISTRATIONS" --workers "$WORKERS"
if grep -qi "error\|exception" "$CQPM_VAR_DIR/gunicorn.log"; then
  echo "Erreurs côté serveur (extrait de $CQPM_VAR_DIR/gunicorn.log) :" >&2
  grep -i -m 20 "error\|exception" "$CQPM_VAR_DIR/gunicorn.log" >&2
  status=1
fi
exit "$status"
