"""An import's problems as lines a person can act on: row, column (header) and reason."""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError

from . import messages as msg
from .base import ImportScopeError, sheet_row
from .formats import ImportFileError

logger = logging.getLogger(__name__)


def _base_error_lines(error: Exception) -> list[str]:
    if isinstance(error, ImportScopeError):
        return error.lines()
    if isinstance(error, ImportFileError):
        return [str(error)]
    logger.warning("import failed", exc_info=error)
    return [str(msg.MSG_IMPORT_FAILED)]


def _row_error_text(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return str(msg.MSG_ROW_CONFLICT)
    logger.warning("import row failed", exc_info=error)
    return str(msg.MSG_ROW_FAILED)


def _invalid_row_lines(invalid_row) -> list[str]:
    row = sheet_row(invalid_row.number)
    lines = []
    for column, messages in invalid_row.error_dict.items():
        for message in messages:
            if column == NON_FIELD_ERRORS:
                lines.append(str(msg.MSG_ROW_ERROR.format(row=row, message=message)))
            else:
                lines.append(
                    str(msg.MSG_CELL_ERROR.format(row=row, column=column, message=message))
                )
    return lines


def import_error_lines(result) -> list[str]:
    """Every problem of an import ``Result``: file-wide ones first, then row by row."""
    lines = [line for error in result.base_errors for line in _base_error_lines(error.error)]
    by_row: list[tuple[int, list[str]]] = [
        (row.number, _invalid_row_lines(row)) for row in result.invalid_rows
    ]
    by_row += [
        (
            row.number,
            [
                str(
                    msg.MSG_ROW_ERROR.format(
                        row=sheet_row(row.number), message=_row_error_text(e.error)
                    )
                )
                for e in row.errors
            ],
        )
        for row in result.error_rows
    ]
    for _number, row_lines in sorted(by_row, key=lambda item: item[0]):
        lines += row_lines
    return lines
