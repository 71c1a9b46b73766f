"""The database settings read from the environment (``config/settings/base.py``), each read in
a fresh interpreter as a deployment would: PostgreSQL's JIT off unless asked for, and
server-side cursors on unless ``POSTGRES_SERVER_SIDE_CURSORS=false`` (behind PgBouncer's
transaction pooling)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READ = (
    "import json, django; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps([db['DISABLE_SERVER_SIDE_CURSORS'], db['OPTIONS'].get('options')]))"
)


def database_settings(**environment) -> list:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTGRES_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL="postgres://someone:secret@127.0.0.1:5432/nowhere",
        **environment,
    )
    done = subprocess.run(  # noqa: S603 (our own code, in this interpreter)
        [sys.executable, "-c", READ], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, [False, "-c jit=off"]),
        ({"POSTGRES_SERVER_SIDE_CURSORS": "false"}, [True, "-c jit=off"]),
        ({"POSTGRES_JIT": "true"}, [False, "-c jit=on"]),
    ],
)
def test_postgresql_settings_from_the_environment(environment, expected):
    assert database_settings(**environment) == expected
