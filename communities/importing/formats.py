"""The two file formats of the register (.xlsx and CSV), read defensively, row by row.

Reading refuses what is not really such a file, unpacks too much, is wider, longer or holds
more text than the limits allow (``communities.importing.limits``), with an
``ImportFileError`` whose text the form shows. A reader yields ``(row number, values)``: the
row's cells up to its last non-empty one, never padded to a declared width. .xlsx files are
read by ``communities.importing.xlsx``.
"""

import csv
import io
from collections.abc import Iterable, Iterator

import tablib
from import_export.formats.base_formats import Format

from communities.exporting import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from . import messages as msg
from .limits import (
    LAST_EXCEL_COLUMN,
    ImportFileError,
    cell_too_long,
    max_cell_chars,
    max_columns,
    max_rows,
    too_many_columns,
    too_many_rows,
)
from .widgets import cell_text
from .xlsx import check_xlsx_package, read_xlsx_rows

__all__ = [
    "ImportFileError",
    "check_xlsx_package",
    "dataset_from_rows",
    "read_csv_rows",
    "read_xlsx_rows",
]

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves CSV as GBK unless told UTF-8

NumberedRows = Iterable[tuple[int, list]]


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _headers(first_row) -> list[str]:
    headers = [cell_text(value) for value in (first_row or [])]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(msg.MSG_NO_HEADER)
    if len(headers) > max_columns():
        raise too_many_columns()
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise ImportFileError(msg.MSG_DUPLICATE_HEADER.format(column=header))
        seen.add(header)
    return headers


def dataset_from_rows(rows: NumberedRows, limit: int) -> tablib.Dataset:
    """Header from row 1; blank rows inside the data are kept so that row numbers match the
    spreadsheet's, trailing blank rows are dropped. Stops reading at the first row past the
    limit."""
    rows = iter(rows)
    number, first = next(rows, (0, None))
    if number != 1:
        raise ImportFileError(msg.MSG_NO_HEADER)
    headers = _headers(first)
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    previous = 1
    for number, row in rows:
        if number <= previous:
            raise ImportFileError(msg.MSG_NOT_XLSX)  # rows out of order: not a real sheet
        previous = number
        cells = list(row[:width])
        if all(_is_blank(value) for value in cells):
            continue
        if number - 1 > limit:
            raise too_many_rows(limit)
        for _blank in range(number - 2 - len(dataset)):
            dataset.append([None] * width)
        dataset.append(cells + [None] * (width - len(cells)))
    return dataset


def decode_csv(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportFileError(msg.MSG_NOT_CSV)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(msg.MSG_NOT_CSV)


def csv_line_limit() -> int:
    """Characters a line may hold: every column at its longest, quoted, plus the empty
    columns Excel writes up to the last it ever saw used (XFD at worst)."""
    return max_columns() * (max_cell_chars() + 3) + LAST_EXCEL_COLUMN


class CSVRows:
    """The records of a CSV text as ``(row number, values)``: a physical line is read at most
    ``csv_line_limit()`` characters at a time, so a 100,000-column header is refused before
    the csv module splits it; cells are checked against ``IMPORT_MAX_CELL_CHARS``."""

    def __init__(self, text: str):
        self.text = text
        self.number = 0

    def _lines(self) -> Iterator[str]:
        limit = csv_line_limit()
        stream = io.StringIO(self.text, newline="")
        while line := stream.readline(limit + 1):
            if len(line) > limit:
                raise self._row_too_long(line)
            yield line

    def _row_too_long(self, line: str) -> ImportFileError:
        row = self.number + 1
        if line.count(",") >= max_columns() and row == 1:
            return too_many_columns()
        return ImportFileError(
            msg.MSG_ROW_TOO_LONG.format(row=row, columns=max_columns(), limit=max_cell_chars())
        )

    def __iter__(self) -> Iterator[tuple[int, list]]:
        cap, columns = max_cell_chars(), max_columns()
        reader = csv.reader(self._lines())
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:  # an unclosed quote, or a field over the csv module's limit
                raise ImportFileError(msg.MSG_NOT_CSV) from None
            self.number += 1
            while record and not record[-1].strip():
                record.pop()
            for column, value in enumerate(record, start=1):
                if len(value) > cap:
                    raise cell_too_long(self.number, column)
            if len(record) > columns:
                if self.number == 1:
                    raise too_many_columns()
                del record[columns:]  # beyond any header: ignored
            yield self.number, record


def read_csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    return iter(CSVRows(decode_csv(data)))


class RegisterFormat(Format):
    """Both formats read bytes: the admin then never decodes a file itself. They only import;
    every export goes through the shared export path (``communities.exports``)."""

    title = ""
    extension = ""
    content_type = "application/octet-stream"

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self) -> str:
        return self.title

    def get_extension(self) -> str:
        return self.extension

    def get_content_type(self) -> str:
        return self.content_type

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return False

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        dataset = dataset_from_rows(self.read_rows(in_stream), max_rows())
        if not dataset:  # else the library's "No valid data to import", in English
            raise ImportFileError(msg.MSG_NO_DATA_ROWS)
        return dataset

    def read_rows(self, data: bytes) -> Iterator:  # pragma: no cover - abstract
        raise NotImplementedError


class XLSXFormat(RegisterFormat):
    title = "xlsx"
    extension = "xlsx"
    content_type = XLSX_CONTENT_TYPE

    def read_rows(self, data: bytes) -> Iterator:
        return read_xlsx_rows(data)


class CSVFormat(RegisterFormat):
    title = "csv"
    extension = "csv"
    content_type = CSV_CONTENT_TYPE

    def read_rows(self, data: bytes) -> Iterator:
        return read_csv_rows(data)


REGISTER_FORMATS = [XLSXFormat, CSVFormat]
