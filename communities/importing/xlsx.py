"""Reading an .xlsx with bounded memory and time, whatever the file declares.

openpyxl builds every cell of a sheet's declared dimension (``A1:XFD50001``: 7 GB), pads each
row to its last cell, loads every shared string at once and parses every XML part with the
standard library. Here:
- the package is checked first: a real workbook, no macros, no document type declarations
  (XXE, billion laughs), not too many parts, not unpacking to more than
  ``IMPORT_MAX_UNZIPPED_BYTES``; the parts openpyxl reads whole (workbook, styles, relations)
  may not exceed ``WHOLE_PART_MAX_BYTES``;
- shared strings are read by a streaming parser that counts them
  (``IMPORT_MAX_SHARED_STRINGS``) and keeps at most ``IMPORT_MAX_CELL_CHARS`` of each;
- only the sheet to import is read, row by row (the declared dimension is never used), each
  row's cells placed by column and trimmed of trailing empty cells, never padded; a row with
  more XML elements than a sheet can have columns, or any text run between two tags longer
  than a cell may be, is refused before it is held in memory.
openpyxl still turns each cell into its value (numbers, dates by style, booleans, formulas'
cached results).
"""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from communities.exports.writer import INFO_SHEET

from . import messages as msg
from .limits import (
    LAST_EXCEL_COLUMN,
    ImportFileError,
    TextBudget,
    cell_too_long,
    max_cell_chars,
    max_columns,
    too_many_columns,
)

CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024  # a real workbook's is a few KB
# A part or content type that marks a macro-enabled workbook (.xlsm, .xltm), whatever its name.
MACRO_PART = "vbaproject.bin"
MACRO_MARKS = ("macroenabled", "vbaproject")
MAX_PARTS = 10_000  # a workbook has tens of parts; hundreds with many pictures
# Parts openpyxl parses whole (content types, relations, workbook, styles): a real one is at
# most a few MB even with thousands of styles.
WHOLE_PART_MAX_BYTES = 5 * 1024 * 1024
PROLOG_MAX_BYTES = 64 * 1024  # XML declaration and comments before the root element
XML_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1"}
CHUNK = 16 * 1024
# Elements one row may hold: a cell is <c> with <v>, <f> or <is><t>, at most XFD of them.
ROW_MAX_ELEMENTS = 4 * LAST_EXCEL_COLUMN
# Elements of a sheet outside its rows (columns' widths, views, merged cells…); a real sheet has
# at most one per column and a few more.
OUTSIDE_ROWS_MAX_ELEMENTS = 2 * LAST_EXCEL_COLUMN + 1000
LAST_EXCEL_ROW = 1_048_576
INLINE_TYPES = ("inlineStr", "str")  # text in the cell itself; "s" points to a shared string

_ENCODING_RE = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")


# --- the package ------------------------------------------------------------------------------


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


def _prolog_text(raw: bytes) -> str | None:
    """The start of a part as text if it is XML (by its byte order mark or first character),
    else None."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if raw[:2] in (b"<\x00", b"\x00<"):
        return raw.decode("utf-16-le" if raw[0:1] == b"<" else "utf-16-be", errors="replace")
    text = raw.decode("latin-1")
    text = text[3:] if text.startswith("\xef\xbb\xbf") else text
    return text if text.lstrip()[:1] == "<" else None


def _check_prolog(text: str) -> None:
    """An XML part may hold its declaration, comments and processing instructions before the
    root element, but no document type declaration (entities: XXE, billion laughs), and only
    an encoding the scan can read."""
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        rest = text[position:]
        if rest.startswith("<?"):
            end = rest.find("?>")
            if end < 0:
                break
            match = _ENCODING_RE.search(rest[:end])
            if match and match[1].strip().lower() not in XML_ENCODINGS:
                raise ImportFileError(msg.MSG_NOT_XLSX)
            position += end + 2
        elif rest.startswith("<!--"):
            end = rest.find("-->")
            if end < 0:
                break
            position += end + 3
        elif rest.startswith("<!"):
            raise ImportFileError(msg.MSG_NOT_XLSX)  # <!DOCTYPE …>, <!ENTITY …>
        elif rest.startswith("<") and len(rest) > 1:
            return
        else:
            break
    raise ImportFileError(msg.MSG_NOT_XLSX)


def check_xml_part(package: zipfile.ZipFile, member) -> None:
    with package.open(member) as part:
        text = _prolog_text(part.read(PROLOG_MAX_BYTES))
    if text is None:
        raise ImportFileError(msg.MSG_NOT_XLSX)
    _check_prolog(text)


def _check_xml_parts(package: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Every part named as XML (the sheet to import is checked again, whatever its name)."""
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")) and member.file_size:
            check_xml_part(package, member)


def check_xlsx_package(data: bytes) -> None:
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > MAX_PARTS:
                raise ImportFileError(msg.MSG_NOT_XLSX)
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise ImportFileError(msg.MSG_NOT_XLSX)
            if sum(member.file_size for member in members) > limit:
                raise ImportFileError(
                    msg.MSG_UNZIPPED_TOO_LARGE.format(limit=filesizeformat(limit))
                )
            _check_no_macros(package, members)
            _check_xml_parts(package, members)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError):
        raise ImportFileError(msg.MSG_NOT_XLSX) from None


# --- bounded streams --------------------------------------------------------------------------


class TextRunTooLong(Exception):
    """More bytes between two tags than any cell may hold."""


class GuardedStream:
    """A part's bytes, read in small chunks; refuses a run without ``<`` longer than
    ``limit`` bytes (a cell's text, or a tag), so no parser ever holds one in memory."""

    def __init__(self, raw, limit: int):
        self.raw = raw
        self.limit = limit
        self.run = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(CHUNK if size is None or not 0 < size <= CHUNK else size)
        first = data.find(b"<")
        if first < 0:
            self.run += len(data)
        else:
            if self.run + first > self.limit:
                raise TextRunTooLong
            self.run = len(data) - data.rfind(b"<") - 1
        if self.run > self.limit:
            raise TextRunTooLong
        return data


def text_run_limit() -> int:
    """Bytes of a cell of ``IMPORT_MAX_CELL_CHARS`` characters, each written as an XML
    character reference at worst (``&#x10FFFF;``), with room to spare; never below 64 KB.
    Chunks are 16 KB, so only runs across chunks need checking."""
    return max(64 * 1024, 10 * max_cell_chars() + 1024)


class BoundedZip(zipfile.ZipFile):
    """The package as openpyxl sees it: a part it reads whole must be small."""

    def read(self, name, pwd=None):
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.file_size > WHOLE_PART_MAX_BYTES:
            raise ImportFileError(msg.MSG_PART_TOO_LARGE)
        return super().read(name, pwd)


# --- shared strings ---------------------------------------------------------------------------


class OverlongText:
    """A shared string longer than a cell may be; the cell using it is refused by position."""

    __slots__ = ()


SI = f"{SHEET_MAIN_NS} si"
T = f"{SHEET_MAIN_NS} t"
RPH = f"{SHEET_MAIN_NS} rPh"  # phonetic guide: not part of the text (as in openpyxl)


def _refuse_dtd(*_args) -> None:
    raise ImportFileError(msg.MSG_NOT_XLSX)


class SharedStringsReader:
    """Streams ``sharedStrings.xml``: at most ``IMPORT_MAX_SHARED_STRINGS`` entries, each kept
    up to ``IMPORT_MAX_CELL_CHARS`` characters (a longer one becomes ``OverlongText``, for the
    cell that uses it to be refused by its row and column). expat hands text over in pieces,
    so a long text costs no memory here; a part where no event happens for
    ``text_run_limit()`` bytes (a huge tag or comment, which expat would hold whole) is
    refused."""

    def __init__(self, budget: TextBudget):
        self.budget = budget
        self.limit = settings.IMPORT_MAX_SHARED_STRINGS
        self.cap = max_cell_chars()
        self.strings: list = []
        self.parts: list[str] | None = None
        self.length = 0
        self.in_text = False
        self.phonetic = 0
        self.parser = None
        self.last_event = 0

    def start(self, name, _attrs) -> None:
        self.last_event = self.parser.CurrentByteIndex
        if name == SI:
            if len(self.strings) >= self.limit:
                raise ImportFileError(msg.MSG_TOO_MANY_STRINGS.format(limit=self.limit))
            self.parts, self.length = [], 0
        elif name == RPH:
            self.phonetic += 1
        elif name == T and self.parts is not None and not self.phonetic:
            self.in_text = True

    def end(self, name) -> None:
        self.last_event = self.parser.CurrentByteIndex
        if name == T:
            self.in_text = False
        elif name == RPH:
            self.phonetic -= 1
        elif name == SI and self.parts is not None:
            if self.length > self.cap:
                self.strings.append(OverlongText())
            else:
                self.budget.spend(self.length)
                self.strings.append("".join(self.parts).replace("x005F_", ""))
            self.parts = None

    def text(self, data: str) -> None:
        self.last_event = self.parser.CurrentByteIndex
        if self.in_text:
            self.length += len(data)
            if self.length <= self.cap:
                self.parts.append(data)

    def read(self, raw) -> list:
        self.parser = parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        limit, fed = text_run_limit(), 0
        try:
            while chunk := raw.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - self.last_event > limit:
                    raise ImportFileError(msg.MSG_NOT_XLSX)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise ImportFileError(msg.MSG_NOT_XLSX) from None
        return self.strings


# --- the workbook -----------------------------------------------------------------------------


class BoundedExcelReader(ExcelReader):
    """openpyxl's reader for what it does well (content types, workbook, styles), with the
    shared strings read by ``SharedStringsReader`` and no sheet opened."""

    def __init__(self, data: bytes, budget: TextBudget):
        super().__init__(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        self.archive.close()
        self.archive = BoundedZip(io.BytesIO(data))
        self.budget = budget
        self.sheets: list[tuple[str, str]] = []

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as raw:
                self.shared_strings = SharedStringsReader(self.budget).read(raw)

    def read_worksheets(self):
        self.sheets = [
            (sheet.name, rel.target)
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        ]

    def read(self):
        self.read_manifest()
        self.read_strings()
        self.read_workbook()
        apply_stylesheet(self.archive, self.wb)
        self.read_worksheets()

    def sheet_to_import(self) -> str:
        """The first sheet; in one of our own exports, the one after the one stating scope
        and filter (导出说明)."""
        if not self.sheets:
            raise ImportFileError(msg.MSG_NOT_XLSX)
        first = 1 if len(self.sheets) > 1 and self.sheets[0][0] == INFO_SHEET else 0
        path = self.sheets[first][1]
        check_xml_part(self.archive, path)
        return path


IS_TAG = f"{{{SHEET_MAIN_NS}}}is"
T_TAG = f"{{{SHEET_MAIN_NS}}}t"
R_TAG = f"{{{SHEET_MAIN_NS}}}r"


class CellParser(WorkSheetParser):
    """openpyxl's cell parsing, with inline strings read directly (its ``Text.from_tree``
    is most of the time of reading a sheet written by xlsxwriter or by hand)."""

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        inline = element.find(IS_TAG)
        pieces = []
        if inline is not None:
            pieces = [child.text or "" for child in inline if child.tag == T_TAG]
            for run in inline.iterfind(R_TAG):
                pieces += [t.text or "" for t in run if t.tag == T_TAG]
        value = "".join(pieces) if inline is not None else None
        style = int(element.get("s") or 0)
        return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": style}


class SheetRows:
    """The rows of one sheet as ``(row number, values)``; see the module's docstring."""

    def __init__(self, reader: BoundedExcelReader, path: str, budget: TextBudget):
        self.reader = reader
        self.path = path
        self.budget = budget
        self.cap = max_cell_chars()
        self.columns = max_columns()
        self.row_number = 0
        self.cell_ref = None

    def __iter__(self) -> Iterator[tuple[int, list]]:
        wb = self.reader.wb
        parser = CellParser(
            None,
            self.reader.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        with self.reader.archive.open(self.path) as raw:
            try:
                yield from self._rows(parser, GuardedStream(raw, text_run_limit()))
            except TextRunTooLong:
                raise self._too_long_here() from None

    def _rows(self, parser: WorkSheetParser, stream) -> Iterator[tuple[int, list]]:
        stack: list = []
        row = None
        elements = outside = 0
        # No part reaching here declares a DTD (check_xlsx_package), so no entity expands.
        events = ET.iterparse(stream, events=("start", "end"))  # noqa: S314
        for event, element in events:
            if event == "start":
                if row is not None:
                    elements += 1
                    if elements > ROW_MAX_ELEMENTS:
                        raise too_many_columns()
                    if element.tag == CELL_TAG:
                        self.cell_ref = element.get("r")
                elif element.tag == ROW_TAG:
                    row, elements, self.cell_ref = element, 0, None
                    self.row_number = _row_number(element.get("r"), self.row_number)
                else:
                    outside += 1
                    if outside > OUTSIDE_ROWS_MAX_ELEMENTS:
                        raise ImportFileError(msg.MSG_NOT_XLSX)
                stack.append(element)
                continue
            stack.pop()
            if element is row:
                inline = [child.get("t") in INLINE_TYPES for child in element]
                if inline:
                    number, cells = parser.parse_row(element)
                else:  # an empty (formatted) row: nothing for openpyxl to do
                    number, cells = self.row_number, []
                    parser.row_counter = number
                if number > LAST_EXCEL_ROW:
                    raise ImportFileError(msg.MSG_NOT_XLSX)
                row = None
                values = self._values(number, cells, inline)
                self.row_number = number
                self._drop(element, stack)
                yield number, values
            elif element.tag == DATA_TAG:
                return  # what follows the cells (merged cells, links, formatting) is not read
            elif row is None:
                self._drop(element, stack)

    @staticmethod
    def _drop(element, stack) -> None:
        element.clear()
        if stack:
            stack[-1].remove(element)

    def _values(self, number: int, cells: list[dict], inline: list[bool]) -> list:
        """The row's values by column, up to its last non-empty cell within
        ``IMPORT_MAX_COLUMNS``; a header cell beyond that refuses the file. Text written in
        the sheet itself (not a shared string, already counted) spends the text budget."""
        values: list = []
        for cell, in_sheet in zip(cells, inline, strict=True):
            value, column = cell["value"], cell["column"]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            overlong = isinstance(value, str) and len(value) > self.cap
            if overlong or isinstance(value, OverlongText):
                raise cell_too_long(number, column)
            if column > self.columns:
                if number == 1:
                    raise too_many_columns()
                continue  # beyond any header: ignored, never stored
            if in_sheet and isinstance(value, str):
                self.budget.spend(len(value))
            if column > len(values):
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        return values

    def _too_long_here(self) -> ImportFileError:
        if self.cell_ref:
            try:
                row, column = coordinate_to_tuple(self.cell_ref)
            except (ValueError, TypeError):
                pass
            else:
                return cell_too_long(row, column)
        return ImportFileError(msg.MSG_NOT_XLSX)


def _row_number(attribute, previous: int) -> int:
    try:
        return int(attribute) if attribute else previous + 1
    except ValueError:
        return previous + 1


def read_xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The rows of the sheet to import as ``(row number, values)`` (a formula gives its
    cached result), within every limit of ``communities.importing.limits``."""
    check_xlsx_package(data)
    budget = TextBudget()
    try:
        reader = BoundedExcelReader(data, budget)
        reader.read()
        path = reader.sheet_to_import()
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(msg.MSG_NOT_XLSX) from None
    try:
        yield from SheetRows(reader, path, budget)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(msg.MSG_NOT_XLSX) from None
    finally:
        reader.archive.close()
