"""Backups and the restore drill (issue 15): ``manage.py backup`` of the demo city, then
``manage.py restore`` into an empty database, compared table by table (rows and a checksum of
every row) and file by file; a restore into a database holding tables, or of a damaged backup,
is refused and changes nothing. Run as an operator would, in new processes, on databases of
the test's own (``tests/processes.py``)."""

import hashlib
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from communities import backups
from tests.processes import manage, scratch_database

pytestmark = pytest.mark.other_processes

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups are of PostgreSQL (CI runs them)"
)


MODELS = "from communities.models import Compound, District;"


def figures(url: str) -> dict:
    with psycopg.connect(url) as db, db.transaction(), db.cursor() as cursor:
        return backups.database_figures(cursor)


def files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def shell(url: str, media: Path, code: str) -> str:
    return manage(url, media, "shell", "-c", code).stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city in a database of its own, an upload, an export and a half-written file
    in its MEDIA_ROOT, and a backup of it all."""
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL (CI runs them)")
    folder = tmp_path_factory.mktemp("drill")
    media = folder / "media"
    (media / "inspections" / "evidence").mkdir(parents=True)
    (media / "inspections" / "evidence" / "现场.jpg").write_bytes(b"\xff\xd8photo")
    (media / "exports" / "7").mkdir(parents=True)
    (media / "exports" / "7" / "台账.xlsx").write_bytes(b"expires within a day")
    (media / "inspections" / "evidence" / ".半.jpg.part").write_bytes(b"being written")
    with django_db_blocker.unblock(), scratch_database("drill", folder) as url:
        manage(url, media, "migrate", "--noinput")
        manage(url, media, "seed_demo")
        printed = manage(url, media, "backup", "--output", str(folder / "backups")).stdout
        (backup,) = (folder / "backups").iterdir()
        yield {"url": url, "media": media, "backup": backup, "printed": printed, "dir": folder}


@needs_postgresql
def test_the_demo_city_restores_table_for_table_and_file_for_file(drill, django_db_blocker):
    media = drill["dir"] / "restored-media"
    with django_db_blocker.unblock(), scratch_database("restored", drill["dir"]) as url:
        done = manage(url, media, "restore", str(drill["backup"]))
        source, restored = figures(drill["url"]), figures(url)
        compounds = shell(
            url, media, "from communities.models import Compound as C; print(C.objects.count())"
        )
        # The sequences came back too: a new row takes a new id.
        added = shell(
            url,
            media,
            f"{MODELS} print(District.objects.create(code='990001', name='新区').pk)",
        )

    assert restored == source
    assert len(source["tables"]) > 50
    rows = sum(count for count, _checksum in source["tables"].values())
    assert rows > 1000
    assert source["tables"]["communities_compound"][0] == int(compounds) > 0
    assert int(added) == source["sequences"]["communities_district_id_seq"] + 1
    assert f"{rows} rows" in done.stdout and f"{rows} rows" in drill["printed"]
    # Every upload (the demo's photos and agreements, ours), but not the exports (they expire)
    # nor a file being written.
    uploads = {
        name: digest
        for name, digest in files(drill["media"]).items()
        if not name.startswith("exports/") and not name.endswith(".part")
    }
    assert files(media) == uploads
    assert uploads["inspections/evidence/现场.jpg"] == hashlib.sha256(b"\xff\xd8photo").hexdigest()
    assert len(uploads) > 100


@needs_postgresql
def test_a_restore_into_a_database_holding_tables_changes_nothing(drill, django_db_blocker):
    with django_db_blocker.unblock():
        before = figures(drill["url"])
        done = manage(drill["url"], drill["media"], "restore", str(drill["backup"]), check=False)
        after = figures(drill["url"])

    assert done.returncode != 0
    assert "the database is not empty" in done.stderr
    assert after == before


@needs_postgresql
def test_a_damaged_backup_is_refused_before_anything_is_written(drill, django_db_blocker, tmp_path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for part in drill["backup"].iterdir():
        (damaged / part.name).write_bytes(part.read_bytes())
    dump = bytearray((damaged / "database.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (damaged / "database.dump").write_bytes(bytes(dump))
    media = tmp_path / "media"

    with django_db_blocker.unblock(), scratch_database("damaged", tmp_path) as url:
        done = manage(url, media, "restore", str(damaged), check=False)
        left = figures(url)

    assert done.returncode != 0
    assert "database.dump: missing or damaged" in done.stderr
    assert left == {"tables": {}, "sequences": {}}
    assert not media.exists()


def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path):
    with (
        mock.patch.object(backups, "_require_postgresql"),
        pytest.raises(CommandError, match="not a backup"),
    ):
        call_command("restore", str(tmp_path))


def test_the_embedded_database_is_refused_with_what_to_do_instead(tmp_path):
    fake = mock.Mock(vendor="sqlite", settings_dict={"NAME": "/srv/app/db.sqlite3"})
    with (
        mock.patch.object(backups, "connection", fake),
        pytest.raises(CommandError, match=r"one file \(/srv/app/db.sqlite3\): copy it"),
    ):
        call_command("backup", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
