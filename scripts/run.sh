#!/usr/bin/env bash
# Serve the app with a real Celery worker (and beat) on the embedded defaults; Ctrl-C stops both.
#
# The demo serves as a deployment would: DEBUG off (French error pages, never Django's debug
# pages), static files by whitenoise from STATIC_ROOT (collected here when missing).
# Each child runs in its own process group (setsid), so the trap stops it with everything it
# started (Celery's pool, beat): TERM first, then KILL whatever is still there after a few
# seconds. The script waits on both children, so a signal is handled at once.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
var=${CQPM_VAR_DIR:-var}
export DEBUG=${DEBUG:-false}
# A local demo still sends webhooks to a receiver on this machine, as in development.
export WEBHOOKS_ALLOW_HTTP=${WEBHOOKS_ALLOW_HTTP:-true}
export WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=${WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:-true}
mkdir -p "$var"

if [ ! -f "${STATIC_ROOT:-$var/staticfiles}/staticfiles.json" ]; then
  $py manage.py collectstatic --noinput -v0
fi

pids=()
stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap - INT TERM
  echo
  echo "Arrêt du serveur et du worker…"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do  # up to 5 s for Celery's warm shutdown
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

setsid $py -m celery -A cqpm worker --beat --loglevel=INFO --concurrency=2 \
  --schedule="$var/celerybeat-schedule" >"$var/worker.log" 2>&1 </dev/null &
pids+=($!)
echo
echo "Worker Celery lancé (journal : $var/worker.log)."
if [ -f "$var/demo-accounts.tsv" ]; then
  echo "Comptes de démonstration (rôle, centre, e-mail, mot de passe, secret TOTP) :"
  column -t -s $'\t' "$var/demo-accounts.tsv" || cat "$var/demo-accounts.tsv"
fi
echo
echo "Application : http://$host:$port/ (Ctrl-C pour arrêter)"
# gunicorn, as a deployment serves: never Django's development server and its English warning.
# Its own lines go to a log; the access log stays in the terminal.
# Processes and threads come from gunicorn.conf.py, as in the Docker image.
setsid .venv/bin/gunicorn cqpm.wsgi:application --bind "$host:$port" \
  --access-logfile - --error-logfile "$var/gunicorn.log" </dev/null &
pids+=($!)
# Returns when either child ends (the other is then stopped by the EXIT trap) or on a signal.
wait -n || true
