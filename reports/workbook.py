"""The monthly report's .xlsx workbook, as a street office files it, from the stored figures.

xlsxwriter in constant-memory mode: each sheet is streamed row by row to disk. Every sheet has
a title row (scope and month), a row with 填报单位 and 填报日期, then a bold header row that stays
frozen; numbers are numbers, rates are real percentages (0.978 shown as 97.8 %). Text from the
register (names, reasons) goes through ``escape_formula``: never a live formula. The file is
always in the files' language (``communities.vocabulary.FILE_LANGUAGE``).

Nothing here reads the database: the same figures give the same file.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter
from django.utils.translation import override

from communities.exporting import escape_formula
from communities.vocabulary import FILE_LANGUAGE
from disputes.models import Category, Level
from inspections.models import InspectionStatus, Result

from .figures import COMPOUND, DAYS, HOURS, RATE, SECTIONS

SHEETS = (
    "汇总",
    "排名",  # 街道排名 or 小区排名
    "小区明细",
    "三有六好达标",
    "隐患整改",
    "矛盾纠纷",
    "群防群治",
    "以房管人",
    "重点管理名单",
)
SCORE = "score"  # a self-check's score: one decimal shown (92.45 → 92.5, never 92)
COVERAGE_WORDS = {"covered": "达标", "not_covered": "未达标", "not_assessed": "未评估"}


def ranking_sheet_name(level: str) -> str:
    return "小区排名" if level == COMPOUND else "街道排名"


def sheet_names(level: str) -> list[str]:
    return [ranking_sheet_name(level) if name == "排名" else name for name in SHEETS]


class _Book:
    """The workbook's formats and the few ways every sheet is laid out."""

    def __init__(self, path: Path, *, title: str, issuer: str, day: datetime.date) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.title, self.issuer, self.day = title, issuer, day
        add = self.book.add_format
        self.f_title = add({"bold": True, "font_size": 16, "align": "center"})
        self.f_meta = add({"font_size": 10})
        self.f_head = add(
            {"bold": True, "bg_color": "#DDE5F0", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.f_text = add({"border": 1})
        self.f_count = add({"border": 1, "num_format": "0"})
        self.f_one = add({"border": 1, "num_format": "0.0"})
        self.f_rate = add({"border": 1, "num_format": "0.0%"})
        self.f_change = add({"border": 1, "num_format": "+0.0%;-0.0%;0.0%"})
        self.f_delta = add({"border": 1, "num_format": "+0;-0;0"})
        self.f_delta_one = add({"border": 1, "num_format": "+0.0;-0.0;0.0"})
        self.f_note = add({"italic": True, "font_size": 10})

    def sheet(self, name: str, headers: list[tuple[str, int]]):
        """A sheet with its title rows and header row (frozen below it); returns the sheet
        and the first data row."""
        ws = self.book.add_worksheet(name)
        for col, (_header, width) in enumerate(headers):
            ws.set_column(col, col, width)
        last = max(len(headers) - 1, 1)
        ws.merge_range(0, 0, 0, last, escape_formula(self.title), self.f_title)
        ws.write_string(1, 0, f"填报单位：{self.issuer}", self.f_meta)
        ws.write_string(1, min(3, last), f"填报日期：{self.day:%Y年%m月%d日}", self.f_meta)
        for col, (header, _width) in enumerate(headers):
            ws.write_string(2, col, header, self.f_head)
        ws.freeze_panes(3, 0)
        return ws, 3

    def cell(self, ws, row: int, col: int, value, kind: str = "text") -> None:
        if value is None:
            ws.write_blank(row, col, None, self.f_text)
        elif kind == "text":
            ws.write_string(row, col, str(escape_formula(str(value))), self.f_text)
        elif kind == RATE:
            ws.write_number(row, col, value / 100, self.f_rate)
        elif kind == "change":
            ws.write_number(row, col, value / 100, self.f_change)
        elif kind == "delta":
            ws.write_number(row, col, value, self.f_delta)
        elif kind == "delta_one":
            ws.write_number(row, col, value, self.f_delta_one)
        elif kind in (HOURS, DAYS, SCORE):
            ws.write_number(row, col, value, self.f_one)
        else:
            ws.write_number(row, col, value, self.f_count)

    def row(self, ws, row: int, values: list[tuple[object, str]]) -> None:
        for col, (value, kind) in enumerate(values):
            self.cell(ws, row, col, value, kind)

    def note(self, ws, row: int, text: str) -> None:
        ws.write_string(row, 0, escape_formula(text), self.f_note)


def _difference(a, b):
    return None if a is None or b is None else round(a - b, 1)


def _summary(book: _Book, figures: dict) -> None:
    ws, row = book.sheet(
        "汇总",
        [
            ("类别", 16),
            ("指标", 34),
            ("本月", 11),
            ("上月", 11),
            ("环比", 11),
            ("去年同月", 11),
            ("同比", 11),
        ],
    )
    values = figures["summary"]
    for section, items in SECTIONS:
        for figure in items:
            now, before, year = values[figure.key]
            change = {RATE: "change", HOURS: "delta_one", DAYS: "delta_one"}.get(
                figure.kind, "delta"
            )  # hours and days change by tenths: +2.5, not +3
            kind = figure.kind
            book.row(
                ws,
                row,
                [
                    (str(section), "text"),
                    (str(figure.label), "text"),
                    (now, kind),
                    (before, kind),
                    (_difference(now, before), change),
                    (year, kind),
                    (_difference(now, year), change),
                ],
            )
            row += 1
    book.note(ws, row + 1, "注：环比、同比为本月减上月、本月减去年同月；比较月份无数据时留空。")
    book.note(ws, row + 2, "联防覆盖率、物防、技防覆盖率为报告生成时的状态。")


def _unit_name(figures: dict) -> str:
    return "小区" if figures["level"] == COMPOUND else "街道"


def _ranking(book: _Book, figures: dict) -> None:
    level = figures["level"]
    units = {u["id"]: u for u in figures["units"]}
    ranks = figures["rankings"]
    by_score = level == COMPOUND
    name = _unit_name(figures)
    ws, row = book.sheet(
        ranking_sheet_name(level),
        [
            ("排名", 6),
            (name, 22),
            ("已审核自查", 11),
            ("自查得分" if by_score else "达标率", 11),
            ("按时提交率", 11),
            ("整改率", 10),
            ("纠纷登记", 10),
            ("结案率", 10),
        ],
    )
    first = row
    for rank, pk in enumerate(ranks["checks"], start=1):
        unit = units[pk]
        book.row(
            ws,
            row,
            [
                (rank, "count"),
                (unit["name"], "text"),
                (unit["self_checks_approved"], "count"),
                (unit["score"], SCORE) if by_score else (unit["pass_rate"], RATE),
                (unit["on_time_rate"], RATE),
                (unit["rectification_rate"], RATE),
                (unit["disputes_registered"], "count"),
                (unit["closure_rate"], RATE),
            ],
        )
        row += 1
    last = row - 1
    if ranks["checks_skipped"]:
        row += 1
        book.note(
            ws,
            row,
            f"注：已审核自查少于{ranks['min_checks']}份的{name}未参加排名："
            + "、".join(ranks["checks_skipped"]),
        )
    row += 2
    ws.write_string(row, 0, "结案率排名", book.f_head)
    row += 1
    # Its own header: the columns differ from the self-check ranking's above.
    for col, header in enumerate(("排名", name, "纠纷登记", "结案率", "平均办结天数")):
        ws.write_string(row, col, header, book.f_head)
    row += 1
    for rank, pk in enumerate(ranks["cases"], start=1):
        unit = units[pk]
        book.row(
            ws,
            row,
            [
                (rank, "count"),
                (unit["name"], "text"),
                (unit["disputes_registered"], "count"),
                (unit["closure_rate"], RATE),
                (unit["average_days"], DAYS),
            ],
        )
        row += 1
    if ranks["cases_skipped"]:
        book.note(
            ws,
            row + 1,
            f"注：登记纠纷少于{ranks['min_cases']}件的{name}未参加结案率排名："
            + "、".join(ranks["cases_skipped"]),
        )
    if last >= first:
        chart = book.book.add_chart({"type": "column"})
        sheet = ranking_sheet_name(level)
        chart.add_series(
            {
                "name": "自查得分" if by_score else "达标率",
                "categories": [sheet, first, 1, last, 1],
                "values": [sheet, first, 3, last, 3],
            }
        )
        chart.set_title({"name": "自查得分" if by_score else "各街道达标率"})
        chart.set_legend({"none": True})
        ws.insert_chart(2, 9, chart, {"x_scale": 1.4, "y_scale": 1.2})


def _label(choices, value: str) -> str:
    if value in choices.values:
        return str(choices(value).label)
    return value or ""


def _coverage(value):
    if isinstance(value, str):
        return COVERAGE_WORDS.get(value, value), "text"
    return value, RATE


def _compounds(book: _Book, figures: dict) -> None:
    headers = [("小区编码", 12), ("小区", 20), ("社区", 14), ("街道", 12), ("物业企业", 22)]
    headers += [("自查状态", 10), ("得分", 8), ("结果", 10), ("隐患发现", 9), ("隐患逾期", 9)]
    headers += [("纠纷登记", 9), ("纠纷逾期", 9), ("结案率", 9), ("巡逻次数", 9)]
    headers += [("巡逻时长（小时）", 10), ("联防覆盖率", 10), ("列管率", 9), ("物防", 8)]
    headers += [("技防", 8), ("重点管理", 8)]
    ws, row = book.sheet("小区明细", headers)
    for c in figures["compounds"]:
        book.row(
            ws,
            row,
            [
                (c["code"], "text"),
                (c["name"], "text"),
                (c["community"], "text"),
                (c["street"], "text"),
                (c["company"] or "—", "text"),
                (_label(InspectionStatus, c["check_status"]) or "—", "text"),
                (c["score"], SCORE),
                (_label(Result, c["result"]) or "—", "text"),
                (c["hazards_found"], "count"),
                (c["hazards_overdue"], "count"),
                (c["disputes_registered"], "count"),
                (c["disputes_overdue"], "count"),
                (c["closure_rate"], RATE),
                (c["patrol_logs"], "count"),
                (c["patrol_hours"], HOURS),
                (c["watch_coverage"], RATE),
                (c["registration_rate"], RATE),
                _coverage(c["physical"]),
                _coverage(c["tech"]),
                ("是" if c["key_under"] else "否", "text"),
            ],
        )
        row += 1


def _items(book: _Book, figures: dict) -> None:
    ws, row = book.sheet(
        "三有六好达标",
        [("编号", 8), ("类别", 12), ("项目", 36), ("作答", 8), ("合格", 8), ("合格率", 10)],
    )
    for item in figures["items"]:
        book.row(
            ws,
            row,
            [
                (item["code"], "text"),
                (item["section"], "text"),
                (item["title"], "text"),
                (item["answered"], "count"),
                (item["passed"], "count"),
                (item["rate"], RATE),
            ],
        )
        row += 1
    if not figures["items"]:
        book.note(ws, row, "本月没有已审核的自查。")


def _per_unit(book: _Book, figures: dict, sheet: str, columns: list[tuple]) -> tuple:
    """A sheet with one row per unit and a totals row from the summary; returns the sheet and
    its next free row."""
    name = _unit_name(figures)
    ws, row = book.sheet(sheet, [(name, 22)] + [(header, 12) for header, _k, _f in columns])
    for unit in figures["units"]:
        book.row(ws, row, [(unit["name"], "text")] + [(unit[k], kind) for _h, k, kind in columns])
        row += 1
    summary = figures["summary"]
    total = [("合计", "text")] + [
        (summary[k][0] if k in summary else None, kind) for _h, k, kind in columns
    ]
    book.row(ws, row, total)
    return ws, row + 2


def _hazards(book: _Book, figures: dict) -> None:
    _per_unit(
        book,
        figures,
        "隐患整改",
        [
            ("发现", "hazards_found", "count"),
            ("报告整改", "hazards_rectified", "count"),
            ("月末逾期", "hazards_overdue", "count"),
            ("整改率", "rectification_rate", RATE),
        ],
    )


def _disputes(book: _Book, figures: dict) -> None:
    ws, row = _per_unit(
        book,
        figures,
        "矛盾纠纷",
        [
            ("登记", "disputes_registered", "count"),
            ("办结", "disputes_resolved", "count"),
            ("上报", "disputes_escalated", "count"),
            ("月末逾期", "disputes_overdue", "count"),
            ("结案率", "closure_rate", RATE),
            ("平均办结天数", "average_days", DAYS),
        ],
    )
    ws.write_string(row, 0, "纠纷类别", book.f_head)
    ws.write_string(row, 1, "登记件数", book.f_head)
    first = row + 1
    for value, count in figures["disputes_by_category"].items():
        row += 1
        book.row(ws, row, [(_label(Category, value), "text"), (count, "count")])
    last = row
    row += 2
    ws.write_string(row, 0, "登记层级", book.f_head)
    ws.write_string(row, 1, "登记件数", book.f_head)
    for value, count in figures["disputes_by_level"].items():
        row += 1
        book.row(ws, row, [(_label(Level, value), "text"), (count, "count")])
    if any(figures["disputes_by_category"].values()):
        chart = book.book.add_chart({"type": "pie"})
        chart.add_series(
            {
                "name": "纠纷类别",
                "categories": ["矛盾纠纷", first, 0, last, 0],
                "values": ["矛盾纠纷", first, 1, last, 1],
            }
        )
        chart.set_title({"name": "本月纠纷类别"})
        ws.insert_chart(2, 9, chart)


def _joint_defence(book: _Book, figures: dict) -> None:
    level_is_compound = figures["level"] == COMPOUND
    kind = "text" if level_is_compound else RATE
    name = _unit_name(figures)
    ws, row = book.sheet(
        "群防群治",
        [
            (name, 22),
            ("巡逻次数", 10),
            ("巡逻时长（小时）", 12),
            ("联防覆盖率", 11),
            ("物防", 10),
            ("技防", 10),
        ],
    )
    for unit in figures["units"]:
        physical = _coverage(unit["physical"]) if level_is_compound else (unit["physical"], kind)
        tech = _coverage(unit["tech"]) if level_is_compound else (unit["tech"], kind)
        book.row(
            ws,
            row,
            [
                (unit["name"], "text"),
                (unit["patrol_logs"], "count"),
                (unit["patrol_hours"], HOURS),
                (unit["watch_coverage"], RATE),
                physical,
                tech,
            ],
        )
        row += 1
    s = figures["summary"]
    book.row(
        ws,
        row,
        [
            ("合计", "text"),
            (s["patrol_logs"][0], "count"),
            (s["patrol_hours"][0], HOURS),
            (s["watch_coverage"][0], RATE),
            (s["physical_rate"][0], RATE),
            (s["tech_rate"][0], RATE),
        ],
    )
    book.note(ws, row + 2, "联防覆盖率、物防、技防为报告生成时的状态。")


def _residents(book: _Book, figures: dict) -> None:
    _per_unit(
        book,
        figures,
        "以房管人",
        [
            ("应登记人数（流动、境外）", "registration_present", "count"),
            ("列管率", "registration_rate", RATE),
        ],
    )


def _key_management(book: _Book, figures: dict) -> None:
    ws, row = book.sheet(
        "重点管理名单",
        [
            ("小区", 22),
            ("纳入日期", 12),
            ("纳入原因", 40),
            ("退出日期", 12),
            ("退出原因", 30),
            ("本月变化", 12),
        ],
    )
    for spell in figures["key_management"]:
        change = "纳入" if spell["entered"] else ""
        if spell["left"]:
            change = f"{change}、退出" if change else "退出"
        book.row(
            ws,
            row,
            [
                (spell["compound"], "text"),
                (spell["started_on"], "text"),
                (spell["start_reason"], "text"),
                (spell["ended_on"], "text"),
                (spell["end_reason"], "text"),
                (change or "仍在管理", "text"),
            ],
        )
        row += 1
    if not figures["key_management"]:
        book.note(ws, row, "本月没有重点管理的小区。")


def write_workbook(
    path: Path, figures: dict, *, scope_name: str, issuer: str, day: datetime.date
) -> None:
    """Write the report's workbook to ``path``."""
    month = datetime.date.fromisoformat(figures["month"])
    title = f"{scope_name}{month:%Y年%m月}平安小区创建工作情况汇总"
    with override(FILE_LANGUAGE):
        book = _Book(path, title=title, issuer=issuer, day=day)
        for write in (
            _summary,
            _ranking,
            _compounds,
            _items,
            _hazards,
            _disputes,
            _joint_defence,
            _residents,
            _key_management,
        ):
            write(book, figures)
        book.book.close()
