#!/usr/bin/env bash
# The production topology on one machine, in one command: the Procfile's gunicorn, a Celery
# worker for each queue (`default`, `heavy`) and the one Celery beat, with production settings
# against PostgreSQL and Redis. Ctrl-C stops them all.
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

# The Procfile's processes (gunicorn, a worker per queue, the one beat) under honcho, with the
# virtualenv's commands first on the PATH. Ctrl-C, or one process ending, stops them all.
export PATH="$PWD/$VENV/bin:$PATH"
export BIND
exec "$VENV/bin/honcho" start --procfile Procfile
