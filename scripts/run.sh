#!/usr/bin/env bash
# Serve the app with a real Celery worker (and beat) on the embedded defaults; Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
$py -m celery -A cqpm worker --beat --loglevel=INFO --concurrency=2 \
  --schedule=var/celerybeat-schedule >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo
echo "Worker Celery lancé (journal : var/worker.log)."
if [ -f var/demo-accounts.tsv ]; then
  echo "Comptes de démonstration (rôle, centre, e-mail, mot de passe, secret TOTP) :"
  column -t -s $'\t' var/demo-accounts.tsv || cat var/demo-accounts.tsv
fi
echo
echo "Application : http://$host:$port/"
$py manage.py runserver "$host:$port"
