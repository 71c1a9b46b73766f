"""Writing register data to spreadsheet files that are safe to open.

A cell that starts with ``= + - @``, a tab or a carriage return could run as a formula in Excel
or WPS; it gets a leading apostrophe, and .xlsx cells holding text are always written as text.
"""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def escape_formula(value):
    """``'=1+1`` for ``=1+1``; anything not text is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _xlsx_cell(sheet, value, bold: bool = False) -> WriteOnlyCell:
    value = escape_formula(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never "f": openpyxl would store a leading "=" as a live formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_add_sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An .xlsx file with one sheet per ``(title, headers, rows)``, written row by row."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        xlsx_add_sheet(workbook, title, headers, rows)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def cell_number(value):
    """A number for a spreadsheet cell: a whole Decimal as an int, another as a float; other
    numbers as they are; None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
