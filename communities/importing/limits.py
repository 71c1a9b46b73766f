"""What an import file may hold, checked while it is read (never after): columns in the
header, characters per cell, rows, text in all. A file over a limit is refused with an
``ImportFileError`` whose text the import page shows; nothing has been written by then.

The limits are settings (``IMPORT_MAX_*``, see docs/operations.md).
"""

from django.conf import settings
from openpyxl.utils import get_column_letter

from . import messages as msg

LAST_EXCEL_COLUMN = 16_384  # XFD


class ImportFileError(Exception):
    """A file that cannot be imported at all; ``str(error)`` is meant for the user."""


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def max_columns() -> int:
    return settings.IMPORT_MAX_COLUMNS


def max_cell_chars() -> int:
    return settings.IMPORT_MAX_CELL_CHARS


def column_letter(column: int) -> str:
    return get_column_letter(min(max(column, 1), LAST_EXCEL_COLUMN))


def too_many_columns() -> ImportFileError:
    return ImportFileError(msg.MSG_TOO_MANY_COLUMNS.format(limit=max_columns()))


def cell_too_long(row: int, column: int) -> ImportFileError:
    return ImportFileError(
        msg.MSG_CELL_TOO_LONG.format(row=row, column=column_letter(column), limit=max_cell_chars())
    )


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(msg.MSG_TOO_MANY_ROWS.format(limit=limit))


class TextBudget:
    """Characters of text a file may bring into memory in all (``IMPORT_MAX_TEXT_CHARS``)."""

    def __init__(self):
        self.left = settings.IMPORT_MAX_TEXT_CHARS

    def spend(self, chars: int) -> None:
        self.left -= chars
        if self.left < 0:
            raise ImportFileError(
                msg.MSG_TOO_MUCH_TEXT.format(limit=settings.IMPORT_MAX_TEXT_CHARS)
            )


def shown(value) -> str:
    """A cell's text as a preview or an error line shows it: at most
    ``IMPORT_PREVIEW_CELL_CHARS`` characters, cut with an ellipsis (the value imported is never
    cut)."""
    text = "" if value is None else str(value)
    limit = settings.IMPORT_PREVIEW_CELL_CHARS
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
