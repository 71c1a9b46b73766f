"""The monthly circular (通报) as a .docx, from the stored figures and the template in force.

The words are the bureau's (``CircularTemplate``, edited in the admin, a new version per edit);
``{placeholders}`` in them are filled from the report's figures (``placeholder_values``), so no
figure is written into the text by code. The layout is plain government style: the issuing
office, the document number, a rule, the title, the body paragraphs (first line indented two
characters), the ranking tables, the key-management list, the praised compounds, the closing.
"""

from __future__ import annotations

import datetime
import re
import string
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .figures import COMPOUND, DAYS, FIGURES, HOURS, RATE

BODY_FONT, TITLE_FONT, HEAD_FONT = "仿宋", "宋体", "黑体"
NO_DATA, NO_COMPARISON = "无数据", "无可比数据"


# Placeholders ---------------------------------------------------------------------------------


def _number(value, kind: str) -> str:
    if value is None:
        return NO_DATA
    if kind == RATE:
        return f"{value:.1f}%"
    if kind == DAYS:
        return f"{value:.1f}天"
    if kind == HOURS:
        return f"{value:.1f}小时"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _change(now, before, kind: str) -> str:
    """«上升2.1个百分点», «减少3», «持平», or «无可比数据»."""
    if now is None or before is None:
        return NO_COMPARISON
    delta = round(now - before, 1)
    if not delta:
        return "持平"
    if kind == RATE:
        return f"{'上升' if delta > 0 else '下降'}{abs(delta):.1f}个百分点"
    amount = abs(delta)
    amount = f"{amount:.1f}" if isinstance(amount, float) and amount % 1 else f"{int(amount)}"
    return f"{'增加' if delta > 0 else '减少'}{amount}"


def _units(figures: dict) -> dict[int, dict]:
    return {unit["id"]: unit for unit in figures["units"]}


def placeholder_values(
    figures: dict, *, scope_name: str, district_name: str, issued_on: datetime.date
) -> dict[str, str]:
    """Every placeholder the template may use, with its value for this report."""
    month = datetime.date.fromisoformat(figures["month"])
    units = _units(figures)
    ranked = figures["rankings"]["checks"]
    values = {
        "scope": scope_name,
        "district": district_name,
        "year": str(month.year),
        "month": str(month.month),
        "month_label": f"{month.year}年{month.month}月",
        "issue_date": f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
        "compounds": str(len(figures["compounds"])),
        "first_ranked": units[ranked[0]]["name"] if ranked else NO_DATA,
        "last_ranked": units[ranked[-1]]["name"] if ranked else NO_DATA,
        "praised_count": str(len(figures["praised"])),
    }
    for key, (now, before, year) in figures["summary"].items():
        kind = FIGURES[key].kind
        values[key] = _number(now, kind)
        values[f"{key}_change"] = _change(now, before, kind)
        values[f"{key}_year_change"] = _change(now, year, kind)
    return values


def placeholder_names() -> list[str]:
    """The names a template may use (the admin lists them and refuses others)."""
    fixed = ["scope", "district", "year", "month", "month_label", "issue_date", "compounds"]
    fixed += ["first_ranked", "last_ranked", "praised_count"]
    per_figure = [f"{key}{tail}" for key in FIGURES for tail in ("", "_change", "_year_change")]
    return fixed + per_figure


def template_errors(text: str, *, issuer: bool = True) -> list[str]:
    """What is wrong with a template text, in words: unknown placeholders as ``{name}`` (an
    empty ``{}`` is one), or unbalanced braces or a format the values cannot take
    (``{pass_rate:d}``): the text is filled once with every known name, so a template saved
    without errors never makes a report fail. ``issuer=False`` for the issuing office itself,
    which cannot name itself."""
    known = set(placeholder_names()) | ({"issuer"} if issuer else set())
    try:
        used = [
            name for _lit, name, _spec, _c in string.Formatter().parse(text) if name is not None
        ]
    except ValueError as exc:
        return [str(exc)]
    unknown = sorted({name for name in used if name not in known})
    if unknown:
        return ["{" + name + "}" for name in unknown]
    try:
        fill(text, dict.fromkeys(known, ""))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        return [str(exc)]
    return []


def fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(values)


# Writing ------------------------------------------------------------------------------------


# What Word's XML cannot hold (a soft line break pasted into a reason): dropped, so one such
# character in a name or a reason never makes every report of its scope fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _score(value) -> str:
    """A score as typed: «92.45», «91.6», «100»."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(doc, text: str, *, size=16, font=BODY_FONT, align=None, indent=True, bold=False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(xml_safe(text)), font, size, bold=bold)
    return paragraph


def _rule(paragraph) -> None:
    """A red line under the paragraph (the 红头's rule)."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4")):
        bottom.set(qn(key), value)
    bottom.set(qn("w:color"), "C00000")
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _table(doc, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(xml_safe(header)), HEAD_FONT, 12, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(xml_safe(value)), BODY_FONT, 12)


def _rankings(doc, figures: dict) -> None:
    units = _units(figures)
    ranks = figures["rankings"]
    by_score = figures["level"] == COMPOUND
    name = "小区" if by_score else "街道"
    measure = "自查得分" if by_score else "达标率"
    rows = []
    for rank, pk in enumerate(ranks["checks"], start=1):
        unit = units[pk]
        value = _score(unit["score"]) if by_score else _number(unit["pass_rate"], RATE)
        rows.append([str(rank), unit["name"], value, _number(unit["on_time_rate"], RATE)])
    _paragraph(doc, f"（一）按{measure}排名", size=16)
    if rows:
        _table(doc, ["排名", name, measure, "按时提交率"], rows)
    if ranks["checks_skipped"]:
        _paragraph(
            doc,
            f"注：已审核自查少于{ranks['min_checks']}份的{name}未参加排名："
            + "、".join(ranks["checks_skipped"])
            + "。",
            size=12,
        )
    rows = [
        [
            str(rank),
            units[pk]["name"],
            str(units[pk]["disputes_registered"]),
            _number(units[pk]["closure_rate"], RATE),
        ]
        for rank, pk in enumerate(ranks["cases"], start=1)
    ]
    _paragraph(doc, "（二）按结案率排名", size=16)
    if rows:
        _table(doc, ["排名", name, "登记纠纷", "结案率"], rows)
    if ranks["cases_skipped"]:
        _paragraph(
            doc,
            f"注：登记纠纷少于{ranks['min_cases']}件的{name}未参加结案率排名："
            + "、".join(ranks["cases_skipped"])
            + "。",
            size=12,
        )


def _key_management(doc, figures: dict) -> None:
    spells = figures["key_management"]
    if not spells:
        _paragraph(doc, "本月没有重点管理的小区。")
        return
    rows = []
    for spell in spells:
        if spell["left"]:
            state = f"{spell['ended_on']}退出"
        else:
            state = "本月纳入" if spell["entered"] else "继续管理"
        rows.append([spell["compound"], spell["started_on"], spell["start_reason"], state])
    _table(doc, ["小区", "纳入日期", "纳入原因", "本月情况"], rows)


def _praised(doc, figures: dict) -> None:
    compounds = {c["id"]: c for c in figures["compounds"]}
    chosen = [compounds[pk] for pk in figures["praised"]]
    if not chosen:
        _paragraph(doc, "本月没有符合表扬条件的小区。")
        return
    names = "、".join(f"{c['name']}（{_score(c['score'])}分）" for c in chosen)
    _paragraph(doc, f"以下小区自查达标、得分较高且无逾期隐患和纠纷，予以通报表扬：{names}。")


def write_circular(path: Path, figures: dict, template, values: dict[str, str]) -> None:
    """Write the circular to ``path`` with the template's words and the values."""
    values = {**values, "issuer": fill(template.issuer, values)}
    doc = Document()
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        issuer.add_run(xml_safe(values["issuer"])),
        TITLE_FONT,
        26,
        bold=True,
        color=RGBColor(0xC0, 0, 0),
    )
    number = _paragraph(doc, fill(template.number, values), align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.first_line_indent = None
    _rule(number)
    _paragraph(
        doc,
        fill(template.title, values),
        size=22,
        font=TITLE_FONT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        bold=True,
    )
    for block in fill(template.body, values).split("\n\n"):
        if block.strip():
            _paragraph(doc, block.strip(), indent=not block.rstrip().endswith("："))
    _paragraph(doc, fill(template.ranking_heading, values), font=HEAD_FONT)
    _rankings(doc, figures)
    _paragraph(doc, fill(template.key_management_heading, values), font=HEAD_FONT)
    _key_management(doc, figures)
    _paragraph(doc, fill(template.praise_heading, values), font=HEAD_FONT)
    _praised(doc, figures)
    for block in fill(template.closing, values).split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) > 1 or (lines and lines[0] in (values["issuer"], values["issue_date"])):
            for line in lines:
                _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        elif lines:
            _paragraph(doc, lines[0])
    doc.save(str(path))
