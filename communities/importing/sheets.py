"""What the whole-file imports written by hand share (the watch groups', the residents' roster):
reading the first sheet's rows by their Chinese headers, the result every preview page shows,
and the messages that name a row's compound, household or empty cell the same way in each.

The file is read with the register's defensive reader (``formats.read_xlsx_rows``: only real
.xlsx, size, row, column and cell limits); a header the import does not know, a required one
missing or a file with no row is refused before any row is looked at.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communities.validators import normalize_text

from . import messages as msg
from .formats import ImportFileError, dataset_from_rows, read_xlsx_rows
from .widgets import cell_text

MSG_REQUIRED = _("This column must be filled in.")
MSG_COMPOUND_NOT_FOUND = _("No compound “{code}” was found in your area.")
MSG_NO_HOUSEHOLD = _("{compound} has no household {address} on the register.")
MSG_UNKNOWN_COLUMNS = _("Unknown column(s): {columns}. The file's columns are: {known}.")


def read_sheet(
    data: bytes,
    *,
    headers: Sequence[str],
    required: Collection[str],
    no_rows,
    ignored: Collection[str] = (),
) -> list[tuple[int, dict]]:
    """The non-empty rows as ``(row number, {header: cell})`` (the ``ignored`` columns left
    out); ``ImportFileError`` for an unknown or missing column, or ``no_rows`` for none."""
    dataset = dataset_from_rows(read_xlsx_rows(data), settings.IMPORT_MAX_ROWS)
    found = [normalize_text(h or "") for h in dataset.headers]
    unknown = [h for h in found if h and h not in headers]
    if unknown:
        raise ImportFileError(
            MSG_UNKNOWN_COLUMNS.format(columns="、".join(unknown), known="、".join(headers))
        )
    missing = [h for h in required if h not in found]
    if missing:
        raise ImportFileError(msg.MSG_MISSING_COLUMNS.format(columns="、".join(missing)))
    rows = []
    for number, values in enumerate(dataset, start=2):
        row = {h: v for h, v in zip(found, values, strict=True) if h and h not in ignored}
        if any(cell_text(v) for v in row.values()):
            rows.append((number, row))
    if not rows:
        raise ImportFileError(no_rows)
    return rows


@dataclass
class SheetImportResult:
    """What an import found: its rows (or groups) for the preview, and the error lines (none
    means every row passed); ``committed`` once written."""

    rows: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.lines

    def error_lines(self) -> list[str]:
        return self.lines
