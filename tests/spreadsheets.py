"""Spreadsheets for import tests: cells written as given (no formula escaping, numbers stay
numbers), so a test can hand an import exactly what a user's Excel would."""

import io

from openpyxl import Workbook


def sheet_bytes(headers, rows) -> bytes:
    """An .xlsx file whose first sheet holds the header row and then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
