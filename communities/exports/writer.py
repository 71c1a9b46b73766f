"""One writer for every export: .xlsx through xlsxwriter in constant-memory mode (rows are
streamed to disk, memory stays flat), or CSV for the flat register files.

Each .xlsx starts with a sheet «导出说明» stating what was exported, the scope (the user's
organisations), the filter used, who exported and when (Asia/Shanghai); then one sheet per
``Sheet``: a bold header row, frozen, with an auto-filter, column widths, and cells by kind —
text written as text after ``escape_formula`` (never a live formula), numbers as numbers,
dates and times as real Excel date cells. Personal data is masked before it gets here, by the
exporter, exactly as the old exports did.

A sheet may have title rows above its header (a street office's form: title, 填报单位 and
填报日期) and a totals row «合计» after its rows; the totals are running sums kept while the
rows stream past (constant memory: no row is held), then each column's ``total``. CSV files
are flat (the register's import reads them back): they have neither.
"""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections.abc import Callable
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from django.utils.translation import override

from communities.exporting import (
    CSV_CONTENT_TYPE,
    FORMULA_PREFIXES,
    XLSX_CONTENT_TYPE,
    cell_number,
    escape_formula,
)
from communities.people import person_name
from communities.vocabulary import FILE_LANGUAGE

from .base import (
    DATE,
    DATETIME,
    MONTH,
    NUMBER,
    SUM,
    Column,
    ExportContext,
    Exporter,
    Feed,
    Sheet,
    describe_scope,
)

INFO_SHEET = "导出说明"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONTH_FORMAT = "yyyy-mm"
NO_FILTER = "无（导出全部可见数据）"
SCOPE_LABEL, FILTER_LABEL = "数据范围", "筛选条件"
TOTAL_LABEL = "合计"
CSV_FORMAT, XLSX_FORMAT = "csv", "xlsx"

Progress = Callable[[int], None]


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return _naive_local(value).date()
    return value


class _Formats:
    def __init__(self, book):
        self.header = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.label = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})
        self.month = book.add_format({"num_format": MONTH_FORMAT})
        self.sheet_title = book.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        self.total = book.add_format({"bold": True, "top": 1})


def _write_cell(sheet, row: int, col: int, value, kind: str, fmt: _Formats) -> None:
    if value.__class__ is str:  # most cells: plain text, decided first
        if value:
            if value.startswith(FORMULA_PREFIXES):
                value = "'" + value  # escape_formula's rule, inline: it runs for every cell
            sheet.write_string(row, col, value)
        return
    if value is None or value == "":
        return
    if isinstance(value, datetime.datetime) and kind != DATE:
        sheet.write_datetime(row, col, _naive_local(value), fmt.datetime)
    elif isinstance(value, datetime.date):  # a date, or a moment in a date column
        sheet.write_datetime(row, col, _as_date(value), fmt.month if kind == MONTH else fmt.date)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, cell_number(value))
    else:
        sheet.write_string(row, col, str(escape_formula(str(value))))


def text_width(text: str) -> int:
    """How many character widths ``text`` takes in a spreadsheet: a Chinese character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(column) -> int:
    """The column's width, never narrower than its header (plus the auto-filter's button)."""
    return max(column.width, text_width(column.header) + 3)


class Totals:
    """Each number column's running sum over the rows written, then the totals row's cells."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.sums: dict[int, object] = {
            i: 0 for i, column in enumerate(columns) if column.kind == NUMBER
        }

    def add(self, values) -> None:
        for index in self.sums:
            value = values[index] if index < len(values) else None
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                self.sums[index] = _plus(self.sums[index], value)

    def cells(self) -> dict[int, object]:
        """Column index → the totals row's value (a column whose ``total`` is None is absent)."""
        by_header = {self.columns[i].header: total for i, total in self.sums.items()}
        cells = {}
        for index, total in self.sums.items():
            rule = self.columns[index].total
            if rule == SUM:
                cells[index] = total
            elif callable(rule):
                cells[index] = rule(by_header)
        return cells


def _plus(total, value):
    try:
        return total + value
    except TypeError:  # a Decimal and a float
        return float(total) + float(value)


def _write_title_rows(ws, sheet: Sheet, fmt: _Formats, width: int) -> int:
    """The rows above the header; returns how many."""
    for row, values in enumerate(sheet.title_rows):
        if row == 0 and len(values) == 1:
            text = str(escape_formula(str(values[0])))
            if width > 1:
                ws.merge_range(0, 0, 0, width - 1, text, fmt.sheet_title)
            else:
                ws.write_string(0, 0, text, fmt.sheet_title)
            ws.set_row(0, 28)
            continue
        for col, value in enumerate(values):
            _write_cell(ws, row, col, value, "", fmt)
    return len(sheet.title_rows)


def _write_totals(ws, row: int, totals: Totals, fmt: _Formats) -> None:
    cells = totals.cells()
    label = next((i for i in range(len(totals.columns)) if i not in cells), None)
    if label is not None:
        ws.write_string(row, label, TOTAL_LABEL, fmt.total)
    for index, value in cells.items():
        if value is None:
            ws.write_blank(row, index, None, fmt.total)
        else:
            ws.write_number(row, index, cell_number(value), fmt.total)


class _SheetWriter:
    """One sheet being written: its columns, title rows and header when it is made, then its
    rows one at a time (its own, or those another sheet's rows feed it), then its auto-filter
    and totals row when it is finished."""

    def __init__(self, book, sheet: Sheet, fmt: _Formats):
        self.sheet, self.fmt = sheet, fmt
        self.ws = ws = book.add_worksheet(sheet.title[:31])
        self.columns = columns = list(sheet.columns)
        by_kind = {DATE: fmt.date, DATETIME: fmt.datetime, MONTH: fmt.month}
        for index, column in enumerate(columns):
            cell_format = by_kind.get(column.kind)
            ws.set_column(index, index, column_width(column), cell_format)
        self.top = top = _write_title_rows(ws, sheet, fmt, len(columns))
        for index, column in enumerate(columns):
            ws.write_string(top, index, column.header, fmt.header)
        ws.freeze_panes(top + 1, 0)
        self.kinds = [column.kind for column in columns]
        self.totals = Totals(columns) if sheet.totals else None
        self.n = 0

    def write(self, values) -> None:
        self.n += 1
        ws, row, kinds, fmt = self.ws, self.top + self.n, self.kinds, self.fmt
        # xlsxwriter's own write_row calls the undecorated writer too (version pinned): a
        # province's export writes millions of text cells
        write_string = ws._write_string
        width = len(kinds)
        for index, value in enumerate(values):
            if value.__class__ is str:  # most cells: plain text, as _write_cell writes it
                if value:
                    if value.startswith(FORMULA_PREFIXES):
                        value = "'" + value
                    write_string(row, index, value)
            elif value is not None:
                _write_cell(ws, row, index, value, kinds[index] if index < width else NUMBER, fmt)
        if self.totals:
            self.totals.add(values)

    def finish(self) -> int:
        top, n = self.top, self.n
        self.ws.autofilter(top, 0, top + max(n, 1), max(len(self.columns) - 1, 0))
        if self.totals:
            _write_totals(self.ws, top + n + 1, self.totals, self.fmt)
        return n


def _write_sheets(
    book, sheets: list[Sheet], fmt: _Formats, progress: Progress | None, every: int
) -> int:
    """Write the sheets in order; a sheet fed by another's rows (``Feed``) takes its rows as
    they come. Returns the rows of the counted sheets (the progress bar counts on across
    them)."""
    writers = [_SheetWriter(book, sheet, fmt) for sheet in sheets]
    fed = [writer for writer in writers if isinstance(writer.sheet.rows, Feed)]

    def drain() -> None:
        for writer in fed:
            if writer.sheet.rows:
                for values in writer.sheet.rows:
                    writer.write(values)

    done = 0
    for writer in writers:
        sheet = writer.sheet
        counted = progress and sheet.counted
        for values in sheet.rows:
            writer.write(values)
            if fed:
                drain()
            if counted and writer.n % every == 0:
                progress(done + writer.n)
        drain()
        if sheet.counted:
            done += writer.n
    for writer in writers:
        writer.finish()
    return done


def info_rows(exporter: Exporter, ctx: ExportContext, moment: datetime.datetime) -> list[tuple]:
    local = timezone.localtime(moment)
    return [
        ("导出内容", str(exporter.title)),
        (SCOPE_LABEL, describe_scope(ctx.user)),
        (FILTER_LABEL, exporter.described_filter(ctx) or NO_FILTER),
        ("导出人", person_name(ctx.user)),
        ("导出时间", f"{local:%Y-%m-%d %H:%M}（北京时间）"),
    ]


def write_xlsx(
    path,
    exporter: Exporter,
    ctx: ExportContext,
    *,
    progress: Progress | None = None,
    every: int = 500,
    moment: datetime.datetime | None = None,
) -> int:
    """Write the workbook to ``path``; return the rows of the counted sheets (the main one, or
    one per month of a summary)."""
    moment = moment or timezone.now()
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    fmt = _Formats(book)
    info = book.add_worksheet(INFO_SHEET)
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 60)
    try:
        rows = _write_sheets(book, exporter.sheets(ctx), fmt, progress, every)
        info.write_string(0, 0, str(exporter.title), fmt.title)
        lines = [*info_rows(exporter, ctx, moment), ("行数", rows)]
        for index, (label, value) in enumerate(lines, start=2):
            info.write_string(index, 0, label, fmt.label)
            _write_cell(info, index, 1, value, NUMBER if isinstance(value, int) else "", fmt)
    finally:
        book.close()
    return rows


def write_csv(path, exporter: Exporter, ctx: ExportContext, *, progress=None, every=500) -> int:
    """The main sheet as CSV (UTF-8 with a byte-order mark, for Excel), cells escaped."""
    sheet = exporter.sheets(ctx)[0]
    rows = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header for column in sheet.columns])
        months = {i for i, column in enumerate(sheet.columns) if column.kind == MONTH}
        for rows, values in enumerate(sheet.rows, start=1):
            writer.writerow([_csv_cell(value, month=i in months) for i, value in enumerate(values)])
            if progress and rows % every == 0:
                progress(rows)
    return rows


def _csv_cell(value, month: bool = False) -> str:
    if value is None:
        return ""
    if month and isinstance(value, datetime.date):
        return f"{value:%Y-%m}"
    if isinstance(value, datetime.datetime):
        return f"{_naive_local(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return str(cell_number(value))
    return str(escape_formula(value) if isinstance(value, str) else value)


WRITERS = {XLSX_FORMAT: write_xlsx, CSV_FORMAT: write_csv}
CONTENT_TYPES = {XLSX_FORMAT: XLSX_CONTENT_TYPE, CSV_FORMAT: CSV_CONTENT_TYPE}


def write_export(path, exporter, ctx, file_format: str = XLSX_FORMAT, **kwargs) -> int:
    """Write the file in ``FILE_LANGUAGE``: every header and choice word is the model's label
    as the zh-hans catalogue says it, whoever exports and from wherever (a page, a task)."""
    with override(FILE_LANGUAGE):
        return WRITERS[file_format](path, exporter, ctx, **kwargs)
