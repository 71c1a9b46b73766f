# The two commands: `make run` and `make test`. Both work from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test faults lint messages screenshots worker beat production-local backup restore clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist: each worker process its own test database;
# `make test PARALLEL=` runs it in one process). The real Celery worker's tests run afterwards in
# a process of their own: their worker consumes the shared Redis queue. Narrow it with
# `make test PYTEST_ARGS=tests/patrols`.
PARALLEL ?= -n auto

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PARALLEL) --ignore=tests/test_celery_worker.py --ignore=tests/faults $(PYTEST_ARGS)
	$(VENV)/bin/pytest tests/test_celery_worker.py
	$(if $(SAFECOMPOUND_TEST_CLOCK_SHIFT_DAYS),,$(MAKE) faults)

# Faults survived, against real processes on 127.0.0.1 (issue 15): a PostgreSQL server of the
# tests' own is stopped and restarted under the site's gunicorn (tests/faults). The last step of
# `make test`, but in the run with the clock moved (their processes keep today's date).
faults: install
	$(VENV)/bin/pytest tests/faults

screenshots: install  # refresh the user guide's screenshots from the browser tests
	UPDATE_SCREENSHOTS=1 $(VENV)/bin/pytest tests/e2e

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=docs
	$(PY) manage.py compilemessages --ignore=.venv

worker: install  # one worker on both queues, for development (production runs one per queue: Procfile)
	$(VENV)/bin/celery -A config worker -Q default,heavy -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

production-local: install  # the Procfile under honcho: gunicorn, a worker per queue, beat (docs/operations.md)
	scripts/production-local.sh

# The database (PostgreSQL: DATABASE_URL) and MEDIA_ROOT, into a new folder under BACKUP_DIR
# (default ./backups); `make restore BACKUP=backups/safecompound-…` into an empty database.
backup: install
	$(PY) manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

restore: install
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) db.sqlite3 media
