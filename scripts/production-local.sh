#!/usr/bin/env bash
# The production topology on one machine, in one command: gunicorn, a Celery worker and the one
# Celery beat, with production settings against PostgreSQL and Redis. Ctrl-C stops all three.
#
#   DATABASE_URL=postgres://user:pass@127.0.0.1:5432/safecompound \
#   REDIS_URL=redis://127.0.0.1:6379/0 make production-local
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
: "${REDIS_URL:?set REDIS_URL to a Redis server}"
VENV=${VENV:-.venv}
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="${SECRET_KEY:-$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Plain http on the loopback: secure cookies would never be sent back, and the redirect to https
# would lead nowhere (HSTS is only ever sent over https, so the browser remembers nothing).
export SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-false}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-false}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
BIND=${BIND:-127.0.0.1:8000}

"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/python" manage.py collectstatic --noinput --verbosity 0

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap cleanup EXIT INT TERM
"$VENV/bin/celery" -A config worker --loglevel info --concurrency "${WORKER_CONCURRENCY:-2}" &
pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel info &
pids+=($!)
"$VENV/bin/gunicorn" config.wsgi --bind "$BIND" --workers "${WEB_CONCURRENCY:-3}" \
  --access-logfile - --timeout 120 &
pids+=($!)
wait -n "${pids[@]}"
