"""Where an uploaded file waits between the preview and the confirmation.

Files live in one private folder (``settings.IMPORT_TMP_DIR``, else ``<system temp>/
safecompound-imports``) under random names. A file is removed when its import is confirmed or
cannot be confirmed (the preview found errors); files of imports nobody confirmed are purged
after ``settings.IMPORT_TMP_MAX_AGE_SECONDS``.
"""

import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from import_export.tmp_storages import BaseStorage


def import_tmp_dir() -> Path:
    configured = settings.IMPORT_TMP_DIR
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "safecompound-imports"


def is_valid_name(name: str) -> bool:
    try:
        return uuid.UUID(hex=name).hex == name
    except (ValueError, TypeError):
        return False


class ImportTempStorage(BaseStorage):
    """Bytes in a private folder; the name is a random hex id (never a path)."""

    def path(self) -> Path:
        if not is_valid_name(self.name or ""):
            raise FileNotFoundError("not an import file name")
        return import_tmp_dir() / self.name

    def exists(self) -> bool:
        return is_valid_name(self.name or "") and self.path().is_file()

    def save(self, data) -> None:
        if not self.name:
            self.name = uuid.uuid4().hex
        folder = import_tmp_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        payload = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        self.path().write_bytes(payload)

    def read(self) -> bytes:
        return self.path().read_bytes()

    def remove(self) -> None:
        if is_valid_name(self.name or ""):
            self.path().unlink(missing_ok=True)


def purge_stale_import_files(now: float | None = None) -> int:
    """Delete waiting files older than the maximum age; returns how many went."""
    max_age = settings.IMPORT_TMP_MAX_AGE_SECONDS
    folder = import_tmp_dir()
    if not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in folder.iterdir():
        try:
            if is_valid_name(path.name) and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # confirmed or purged by another request meanwhile
            continue
    return removed
