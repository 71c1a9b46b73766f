"""Backups (issue 15): a consistent dump of PostgreSQL and the uploaded files, and a restore into
an empty database that proves itself against the backup's own figures.

A backup is a folder ``safecompound-YYYYmmdd-HHMMSS`` holding
- ``database.dump``: ``pg_dump --format=custom`` of the database, taken in the snapshot of a
  repeatable-read transaction (``pg_export_snapshot``) in which every table's figures are read
  too, so the dump and its figures describe the same moment whatever users are doing;
- ``media.tar``: every file of ``MEDIA_ROOT`` but the exports (they expire within a day) and
  half-written ``.part`` files, read after the dump: an upload is never changed once saved, so
  every file the dump refers to is there (a newer one is harmless);
- ``manifest.json``: when, the SHA-256 of both files, each table's row count and checksum
  (the sum of a hash of every row's text, so order does not matter and memory stays constant),
  each sequence's value, and how many files.

A restore checks both SHA-256 first and refuses a database that holds any table, so a wrong or
damaged backup, or a wrong target, changes nothing. It then restores in one transaction
(``pg_restore --single-transaction --exit-on-error``), unpacks the files (tarfile's ``data``
filter: no absolute paths, links out of the folder or device files) and reads every table's
figures again: any difference is reported by table.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
DUMP = "database.dump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"
# Not backed up: exports expire within EXPORT_TTL_HOURS; a .part file is being written.
SKIPPED_FOLDERS = ("exports",)
SKIPPED_SUFFIX = ".part"
CHUNK = 1024 * 1024

# The text of a row depends on the session's settings: the same for the backup and the restore.
SESSION_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
)


class BackupError(Exception):
    """A backup or restore refused or failed; nothing was changed by a refused restore."""


@dataclass
class Restored:
    folder: Path
    tables: int
    rows: int
    files: int


# --- taking a backup ----------------------------------------------------------------------------


def backup_create(output: Path) -> Path:
    _require_postgresql()
    folder = Path(output) / f"safecompound-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
            f"--snapshot={snapshot}", f"--file={folder / DUMP}")  # fmt: skip
        figures = database_figures(cursor)
    files = _pack_media(folder / MEDIA)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"file": DUMP, "sha256": _sha256(folder / DUMP), **figures},
        "media": {"file": MEDIA, "sha256": _sha256(folder / MEDIA), "files": files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return folder


def database_figures(cursor) -> dict:
    """Each table's rows and checksum, each sequence's value, in the cursor's transaction."""
    for statement in SESSION_SETTINGS:
        cursor.execute(statement)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = {}
    for (name,) in cursor.fetchall():
        table = connection.ops.quote_name(name)
        cursor.execute(
            "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)"  # noqa: S608
            f"::bigint), 0)::text FROM {table} t"
        )
        count, checksum = cursor.fetchone()
        tables[name] = [count, checksum]
    cursor.execute(
        "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
        "WHERE schemaname = 'public' ORDER BY sequencename"
    )
    return {"tables": tables, "sequences": dict(cursor.fetchall())}


def _pack_media(path: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(path, "w") as tar:
        if not root.exists():
            return 0
        for current, folders, names in os.walk(root):
            here = Path(current)
            if here == root:
                folders[:] = [f for f in folders if f not in SKIPPED_FOLDERS]
            folders.sort()
            for name in sorted(names):
                if name.endswith(SKIPPED_SUFFIX):
                    continue
                file = here / name
                tar.add(file, arcname=str(file.relative_to(root)), recursive=False)
                files += 1
    return files


# --- restoring ----------------------------------------------------------------------------------


def backup_restore(folder: Path) -> Restored:
    _require_postgresql()
    folder = Path(folder)
    manifest = _manifest(folder)
    for part in ("database", "media"):
        file = folder / manifest[part]["file"]
        if not file.is_file() or _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"{file.name}: missing or damaged (its SHA-256 differs)")
    occupied = _tables()
    if occupied:
        raise BackupError(
            f"the database is not empty ({len(occupied)} tables, e.g. {occupied[0]}): "
            "restore into a new, empty database"
        )
    _pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
        "--single-transaction", str(folder / DUMP))  # fmt: skip
    files = _unpack_media(folder / MEDIA)
    with transaction.atomic(), connection.cursor() as cursor:
        figures = database_figures(cursor)
    expected = manifest["database"]
    different = sorted(
        name
        for kind in ("tables", "sequences")
        for name in set(expected[kind]) | set(figures[kind])
        if expected[kind].get(name) != figures[kind].get(name)
    )
    if different:
        raise BackupError("restored, but these differ from the backup: " + ", ".join(different))
    if files != manifest["media"]["files"]:
        raise BackupError(f"restored {files} files, the backup holds {manifest['media']['files']}")
    rows = sum(count for count, _checksum in figures["tables"].values())
    return Restored(folder=folder, tables=len(figures["tables"]), rows=rows, files=files)


def _manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{folder}: no readable {MANIFEST}: not a backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: a backup of another format ({manifest.get('format')})")
    return manifest


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return sorted(name for (name,) in cursor.fetchall())


def _unpack_media(path: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        tar.extractall(root, members=members, filter="data")
    return len(members)


# --- PostgreSQL's own tools ---------------------------------------------------------------------


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            "backups are of PostgreSQL; the embedded SQLite database is one file "
            f"({connection.settings_dict['NAME']}): copy it with the server stopped"
        )


def _pg(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on this site's database (its password in the environment,
    never on the command line)."""
    db = connection.settings_dict
    target = [
        f"--host={db['HOST'] or '127.0.0.1'}",
        f"--port={db['PORT'] or 5432}",
        f"--username={db['USER']}",
        f"--dbname={db['NAME']}",
    ]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    try:
        done = subprocess.run(  # noqa: S603 (PostgreSQL's tools, our arguments)
            [program, *target, *args], env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client)") from None
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def default_folder() -> Path:
    return Path(settings.BACKUP_DIR)


def describe(folder: Path) -> str:
    manifest = _manifest(folder)
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    tables = manifest["database"]["tables"]
    rows = sum(count for count, _checksum in tables.values())
    return (
        f"{folder}: {timezone.localtime(created):%Y-%m-%d %H:%M}, {len(tables)} tables, "
        f"{rows} rows, {manifest['media']['files']} files"
    )
