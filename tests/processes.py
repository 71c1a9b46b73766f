"""Running manage.py as an operator would, in new processes, against a database of the test's
own: commands that need their data committed, which the test's own database never is. On
PostgreSQL the database is created beside the test database and dropped after; on SQLite it is
a file."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection


def database_url(name: str) -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )


@contextmanager
def scratch_database(suffix: str, folder: Path):
    """A new, empty database named after the test database and ``suffix``; its URL."""
    if connection.vendor == "sqlite":
        yield database_url(str(folder / f"{suffix}.sqlite3"))
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_{suffix}"
    admin = psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield database_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database: str, media: Path, **overrides: str) -> dict:
    """A process of the site on ``database`` with ``media`` as MEDIA_ROOT, tasks in-process and
    a cache of its own (CI's Redis is the suite's and its real worker's); ``overrides`` win."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
        "REDIS_URL": "",
        "CACHE_URL": "",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "",
        **overrides,
    }


def manage(database: str, media: Path, *args: str, check: bool = True, **env_overrides: str):
    """``manage.py ARGS`` on ``database`` with ``media`` as MEDIA_ROOT, tasks in-process and a
    cache of its own (CI's Redis is the suite's and its real worker's). With ``check`` a
    failure fails the test; else the finished process is returned. ``env_overrides`` (a
    ``REDIS_URL`` of the test's own…) win."""
    env = environment(database, media, **env_overrides)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if check:
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-4000:]}"
    return done
