#!/usr/bin/env bash
# `make loadtest`: today's code against a baseline commit, one after the other, on the same data
# and settings. A campaign of LOADTEST_REGISTRATIONS registrations is seeded once (by the
# baseline's code, so that its schema is one the baseline knows) into a template database; every
# run gets a fresh copy of it (the current tree migrates its copy forward), its own gunicorn on
# loopback and locust headless with LOADTEST_USERS users. Each commit runs two phases:
#   - "scénario": the scenario's think time (people reading pages): p95 and errors are judged here;
#   - "capacité": no think time (LOADTEST_THINK=0), the users ask as fast as the server answers:
#     its requests/s is the server's capacity, the figure compared between the two commits.
# Rounds alternate the order (baseline first, then current first) so a busy moment of the shared
# machine does not always fall on the same commit; the load average (uptime) is recorded before,
# during (sampled every 5 s) and after each run. Everything is stopped and dropped at the end and
# loadtest/REPORT.md gets this run's tables above the previous ones.
#
# LOADTEST_BASELINE: a git ref (default 2e1e7d8, the code at the start of issue 22's work), checked
# out as a `git worktree` under var/ with this tree's .venv; empty: the current tree alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DB=${LOADTEST_DB:-cqpm_load}
PG=${LOADTEST_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${LOADTEST_PORT:-8765}
USERS=${LOADTEST_USERS:-50}
DURATION=${LOADTEST_DURATION:-2m}
CAPACITY_DURATION=${LOADTEST_CAPACITY_DURATION:-1m}
REGISTRATIONS=${LOADTEST_REGISTRATIONS:-10000}
ROUNDS=${LOADTEST_ROUNDS:-1}
BASELINE=${LOADTEST_BASELINE-2e1e7d8}
# The baseline's own gunicorn command line (it has no gunicorn.conf.py): 3 sync workers.
BASELINE_WORKERS=${LOADTEST_BASELINE_WORKERS:-3}
PY=$ROOT/.venv/bin/python
OUT=$ROOT/var/loadtest
RUNS=$OUT/runs.tsv

export DEBUG=false
export ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY=${SECRET_KEY:-loadtest-only-$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')}
export MFA_ENCRYPTION_KEY=${MFA_ENCRYPTION_KEY:-loadtest-mfa-key-not-for-production}
export SITE_URL=http://127.0.0.1:$PORT
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
unset CELERY_BROKER_URL  # the embedded broker under each run's folder: no worker, same for both
# LOADTEST_CACHE_URL=rediscache://127.0.0.1:6379/N runs both commits on Redis, as in production.
if [ -n "${LOADTEST_CACHE_URL:-}" ]; then export CACHE_URL=$LOADTEST_CACHE_URL; else unset CACHE_URL; fi

rm -rf "$OUT" && mkdir -p "$OUT"
seed_var=$OUT/seed
# The keys made once for the seed (its documents are sealed and carry a credential), read by every run.
export CREDENTIALS_KEY_FILE=$seed_var/credentials/issuer-keys.json
export PDF_SEAL_PKCS12_FILE=$seed_var/seal/demo-seal.p12
psql_admin() { psql "$PG/postgres" -v ON_ERROR_STOP=1 -qAt -c "$1"; }
gunicorn_pid=""
sampler_pid=""
worktree=""
stop_server() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; fi
  sampler_pid=""
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  gunicorn_pid=""
}
cleanup() {
  stop_server
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  psql_admin "DROP DATABASE IF EXISTS ${DB}_seed WITH (FORCE)" || true
  if [ -n "$worktree" ]; then git worktree remove --force "$worktree" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL ne répond pas sur 127.0.0.1:5432." >&2; exit 1; }

current_label="actuel ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!loadtest/REPORT.md' || echo '+modifs'))"
trees=("$ROOT")
labels=("$current_label")
if [ -n "$BASELINE" ]; then
  sha=$(git rev-parse --short "$BASELINE^{commit}")
  worktree=$ROOT/var/loadtest-baseline-$sha
  git worktree remove --force "$worktree" 2>/dev/null || rm -rf "$worktree"
  git worktree prune
  git worktree add --detach -q "$worktree" "$sha"
  ln -s "$ROOT/.venv" "$worktree/.venv"
  trees=("$worktree" "$ROOT")
  labels=("référence ($sha)" "$current_label")
fi

echo "--- base ${DB}_seed : migrations, référentiel, démonstration à $REGISTRATIONS inscriptions (code ${labels[0]})"
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql_admin "DROP DATABASE IF EXISTS ${DB}_seed WITH (FORCE)"
psql_admin "CREATE DATABASE ${DB}_seed"
mkdir -p "$seed_var"
(
  cd "${trees[0]}"
  export CQPM_VAR_DIR=$seed_var DATABASE_URL=$PG/${DB}_seed
  $PY manage.py migrate --noinput -v0
  $PY manage.py credentials_keygen --if-missing >/dev/null
  $PY manage.py seal_keygen --if-missing >/dev/null
  $PY manage.py load_seed_referentials >/dev/null
  started=$(date +%s)
  $PY manage.py seed_demo --registrations "$REGISTRATIONS" >/dev/null
  echo "seed_demo : $(( $(date +%s) - started )) s"
)
for i in "${!trees[@]}"; do  # static files once per tree, outside the measured runs
  mkdir -p "$OUT/static-$i"
  (cd "${trees[$i]}" && CQPM_VAR_DIR=$OUT/static-$i DATABASE_URL=$PG/${DB}_seed \
    STATIC_ROOT=$OUT/static-$i/staticfiles $PY manage.py collectstatic --noinput -v0)
done

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
printf 'label\ttree\tphase\tround\tcsv\tbefore\tduring\tafter\tserver\n' >"$RUNS"
status=0

run_one() {  # tree index, phase (scenario|capacity), round
  local i=$1 phase=$2 round=$3
  local tree=${trees[$i]} label=${labels[$i]}
  local var=$OUT/run-$round-$i-$phase
  local think=1 duration=$DURATION
  if [ "$phase" = capacity ]; then think=0; duration=$CAPACITY_DURATION; fi
  mkdir -p "$var"
  cp "$seed_var/demo-accounts.tsv" "$var/"
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  psql_admin "CREATE DATABASE $DB TEMPLATE ${DB}_seed"
  export CQPM_VAR_DIR=$var DATABASE_URL=$PG/$DB STATIC_ROOT=$OUT/static-$i/staticfiles
  (cd "$tree" && $PY manage.py migrate --noinput -v0)
  # The planner's statistics, as autovacuum keeps them on a production server: this machine's
  # PostgreSQL runs with autovacuum off, and a copied database is never analysed on its own, so
  # without this every run plans its queries for empty tables (a nested loop or an on-disk sort
  # over the 10,000 registrations where an index or a hash would do). Both commits alike, before
  # the server starts.
  psql "$PG/$DB" -v ON_ERROR_STOP=1 -qAt -c "ANALYZE"
  # Each tree is served as it deploys: its gunicorn.conf.py when it has one (read by gunicorn
  # from the working directory), else the baseline's own command line.
  local server
  local args=(cqpm.wsgi:application --bind "127.0.0.1:$PORT" --access-logfile /dev/null
    --error-logfile "$var/gunicorn.log")
  if [ -f "$tree/gunicorn.conf.py" ]; then
    server=$(cd "$tree" && $PY -c 'import runpy; c = runpy.run_path("gunicorn.conf.py"); print("gunicorn.conf.py : %s workers × %s threads (%s)" % (c["workers"], c.get("threads", 1), c.get("worker_class", "sync")))')
  else
    args+=(--workers "$BASELINE_WORKERS")
    server="--workers $BASELINE_WORKERS (sync)"
  fi
  (cd "$tree" && exec "$ROOT/.venv/bin/gunicorn" "${args[@]}") &
  gunicorn_pid=$!
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  echo "--- $label, $phase (tour $round) : $USERS utilisateurs pendant $duration, $server"
  local before during after
  before=$(loadavg)
  (while sleep 5; do loadavg; done) >"$var/load.txt" &
  sampler_pid=$!
  # The server's CPU (gunicorn and its PostgreSQL backends) around the run: per request, it
  # hardly depends on what else the shared machine runs, where requests/s does.
  $PY "$ROOT/loadtest/cpu.py" "$gunicorn_pid" "$DB" >"$var/cpu-start.json"
  set +e
  LOADTEST_THINK=$think "$ROOT/.venv/bin/locust" -f "$ROOT/loadtest/locustfile.py" --headless \
    --users "$USERS" --spawn-rate 10 --run-time "$duration" --host "http://127.0.0.1:$PORT" \
    --csv "$var/locust" --only-summary --loglevel WARNING >"$var/locust.out" 2>&1
  local locust_status=$?
  set -e
  $PY "$ROOT/loadtest/cpu.py" "$gunicorn_pid" "$DB" >"$var/cpu-end.json"
  after=$(loadavg)
  stop_server
  # The 1-minute averages sampled during the run: highest, and the mean of the samples.
  during=$(awk '{ s += $1; if ($1 > m) m = $1; n++ } END { if (n) printf "max %.2f, moyenne %.2f", m, s / n }' "$var/load.txt")
  tail -n 3 "$var/locust.out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$i" "$phase" "$round" "$var/locust" \
    "$before" "$during" "$after" "$server" >>"$RUNS"
  [ "$locust_status" = 0 ] || status=1
  if grep -qi "error\|exception" "$var/gunicorn.log"; then
    echo "Erreurs côté serveur (extrait de $var/gunicorn.log) :" >&2
    grep -i -m 20 "error\|exception" "$var/gunicorn.log" >&2
    status=1
  fi
}

for round in $(seq "$ROUNDS"); do
  order=("${!trees[@]}")
  if [ $(( round % 2 )) = 0 ] && [ "${#trees[@]}" = 2 ]; then order=(1 0); fi
  for phase in scenario capacity; do
    for i in "${order[@]}"; do run_one "$i" "$phase" "$round"; done
  done
done

$PY loadtest/report.py --runs "$RUNS" --report loadtest/REPORT.md --users "$USERS" \
  --duration "$DURATION" --capacity-duration "$CAPACITY_DURATION" --registrations "$REGISTRATIONS" \
  --cache "${LOADTEST_CACHE_URL:+Redis}" || status=1
exit "$status"
