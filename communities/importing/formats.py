"""The two file formats of the register (.xlsx and CSV), read defensively and written safely.

Reading refuses what is not really such a file, unpacks too much, or has too many rows
(``settings.IMPORT_MAX_ROWS``), with an ``ImportFileError`` whose text the form shows.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

import openpyxl
import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import Format

from communities.exporting import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from communities.exports.writer import INFO_SHEET

from . import messages as msg
from .widgets import cell_text

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves CSV as GBK unless told UTF-8


class ImportFileError(Exception):
    """A file that cannot be imported at all; ``str(error)`` is meant for the user."""


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _headers(first_row) -> list[str]:
    headers = [cell_text(value) for value in (first_row or [])]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(msg.MSG_NO_HEADER)
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise ImportFileError(msg.MSG_DUPLICATE_HEADER.format(column=header))
        seen.add(header)
    return headers


def dataset_from_rows(rows: Iterable[Iterable], limit: int) -> tablib.Dataset:
    """Header from the first row; blank rows inside the data are kept so that row numbers
    match the spreadsheet's, trailing blank rows are dropped."""
    rows = iter(rows)
    headers = _headers(next(rows, None))
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    blank_run = 0
    for row in rows:
        cells = ([*row, *([None] * width)])[:width]
        if all(_is_blank(value) for value in cells):
            blank_run += 1
            continue
        if len(dataset) + blank_run + 1 > limit:
            raise ImportFileError(msg.MSG_TOO_MANY_ROWS.format(limit=limit))
        for _blank in range(blank_run):
            dataset.append([None] * width)
        blank_run = 0
        dataset.append(cells)
    return dataset


CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024  # a real workbook's is a few KB
# A part or content type that marks a macro-enabled workbook (.xlsm, .xltm), whatever its name.
MACRO_PART = "vbaproject.bin"
MACRO_MARKS = ("macroenabled", "vbaproject")


def _content_types_text(raw: bytes) -> str:
    """The content types part as lower-case text, in its declared byte order (UTF-16 has a
    BOM); never parsed as XML here."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace").lower()
    return raw.decode("utf-8", errors="replace").lower()


def _check_no_macros(package: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook carrying VBA: a ``vbaProject.bin`` part in any folder, or a content
    type declaring macros (``…macroEnabled…``, ``vbaProject``), whatever the file is called."""
    for member in members:
        if member.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() == MACRO_PART:
            raise ImportFileError(msg.MSG_MACROS)
    for member in members:
        if member.filename.lower() != CONTENT_TYPES_PART.lower():
            continue
        if member.file_size > CONTENT_TYPES_MAX_BYTES:
            raise ImportFileError(msg.MSG_NOT_XLSX)
        try:
            with package.open(member) as part:
                raw = part.read(CONTENT_TYPES_MAX_BYTES + 1)
        except Exception:
            raise ImportFileError(msg.MSG_NOT_XLSX) from None
        if len(raw) > CONTENT_TYPES_MAX_BYTES:
            raise ImportFileError(msg.MSG_NOT_XLSX)
        text = _content_types_text(raw)
        if any(mark in text for mark in MACRO_MARKS):
            raise ImportFileError(msg.MSG_MACROS)


def _check_xlsx_package(data: bytes) -> None:
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise ImportFileError(msg.MSG_NOT_XLSX)
            if sum(member.file_size for member in members) > limit:
                raise ImportFileError(
                    msg.MSG_UNZIPPED_TOO_LARGE.format(limit=filesizeformat(limit))
                )
            _check_no_macros(package, members)
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(msg.MSG_NOT_XLSX) from None


def read_xlsx_rows(data: bytes) -> Iterator[tuple]:
    """The rows of the first sheet, as values (a formula gives its cached result); in one of
    our own exports, the first sheet after the one stating scope and filter (导出说明)."""
    _check_xlsx_package(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(msg.MSG_NOT_XLSX) from None
    try:
        sheets = workbook.worksheets
        first = 1 if len(sheets) > 1 and sheets[0].title == INFO_SHEET else 0
        yield from sheets[first].iter_rows(values_only=True)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(msg.MSG_NOT_XLSX) from None
    finally:
        workbook.close()


def decode_csv(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportFileError(msg.MSG_NOT_CSV)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(msg.MSG_NOT_CSV)


def read_csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(decode_csv(data), newline=""))
    except csv.Error:
        raise ImportFileError(msg.MSG_NOT_CSV) from None


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
        return dataset_from_rows(self.read_rows(in_stream), max_rows())

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
