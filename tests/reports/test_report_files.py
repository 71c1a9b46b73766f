# ruff: noqa: F811  (the fixtures are imported from tests.reports.report_world)
"""The monthly report's files read back: the .xlsx workbook with openpyxl (sheets, title rows,
the summary's numbers equal to the stored figures, one row per compound, text never a
formula, the charts) and the .docx circular with python-docx (title, number, the figures'
words, the ranking table, the praised compounds; a new template's words); both converted to
PDF by LibreOffice."""

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from reports.circular import placeholder_values, template_errors
from reports.figures import COMPOUND, FIGURES, SECTIONS, STREET
from reports.models import CircularTemplate, ReportStatus
from reports.services import circular_template_in_force
from reports.workbook import sheet_names
from tests.reports.report_world import (  # noqa: F401  (fixtures)
    MONTH,
    TODAY,
    build,
    report_world,
    shared_report_world,
    template,
    today,
)

pytestmark = pytest.mark.django_db

TITLE = "朝阳示范区2026年10月平安小区创建工作情况汇总"
HOSTILE = '=HYPERLINK("http://example.com/x","点此")'


@pytest.fixture
def report(report_world, today, build):
    report = build(user=report_world.bureau, district=report_world.district, month=MONTH)
    assert report.status == ReportStatus.READY, report.error
    return report


def workbook(report):
    return openpyxl.load_workbook(report.workbook.path)


def paragraphs(report) -> list[str]:
    return [p.text for p in Document(report.circular.path).paragraphs]


# The workbook ---------------------------------------------------------------------------------


def test_every_sheet_has_its_title_issuer_and_frozen_header(report):
    book = workbook(report)
    assert book.sheetnames == [
        "汇总",
        "街道排名",
        "小区明细",
        "三有六好达标",
        "隐患整改",
        "矛盾纠纷",
        "群防群治",
        "以房管人",
        "重点管理名单",
    ]
    assert book.sheetnames == sheet_names(STREET)
    for ws in book.worksheets:
        assert ws["A1"].value == TITLE, ws.title
        assert ws["A2"].value == "填报单位：朝阳示范区住建局", ws.title
        assert "填报日期：2026年12月06日" in [c.value for c in ws[2]], ws.title
        assert ws.freeze_panes == "A4", ws.title
        assert ws["A3"].value and ws["A3"].font.b, ws.title
    assert [c.value for c in book["汇总"][3]] == [
        "类别",
        "指标",
        "本月",
        "上月",
        "环比",
        "去年同月",
        "同比",
    ]


def test_the_summary_sheet_holds_the_stored_figures_with_rates_as_fractions(report):
    ws = workbook(report)["汇总"]
    summary = report.figures["summary"]
    row = 4
    for _section, figures in SECTIONS:
        for figure in figures:
            cells = ws[row]
            assert cells[1].value == str(figure.label), row
            now, before, year = summary[figure.key]
            for cell, stored in ((cells[2], now), (cells[3], before), (cells[5], year)):
                if stored is None:
                    assert cell.value is None, figure.key
                elif figure.kind == "rate":
                    assert cell.value == pytest.approx(stored / 100), figure.key
                    assert cell.number_format == "0.0%", figure.key
                else:
                    assert cell.value == stored, figure.key
            row += 1
    rows = {figure.key: r for r, figure in enumerate(FIGURES.values(), start=4)}
    pass_rate = rows["pass_rate"]
    assert ws.cell(pass_rate, 3).value == pytest.approx(0.333)
    assert ws.cell(pass_rate, 4).value == pytest.approx(1.0)
    assert ws.cell(pass_rate, 5).value == pytest.approx(-0.667)  # 环比: 33.3 − 100.0 points
    assert ws.cell(pass_rate, 6).value is None  # no approved check in October 2025
    assert ws.cell(pass_rate, 7).value is None
    registered = rows["disputes_registered"]
    assert [ws.cell(registered, col).value for col in range(3, 8)] == [4, 1, 3, 1, 3]
    hours = rows["patrol_hours"]
    assert [ws.cell(hours, col).value for col in range(3, 8)] == [3.5, 1.0, 2.5, 0.0, 3.5]
    assert ws.cell(hours, 5).number_format == "+0.0;-0.0;0.0"  # +2.5, not +3
    assert ws.cell(registered, 5).number_format == "+0;-0;0"
    assert ws.cell(pass_rate, 5).number_format == "+0.0%;-0.0%;0.0%"
    assert ws.cell(rows["watch_coverage"], 4).value is None  # a state: no 环比


def test_the_compounds_sheet_has_one_row_per_compound(report):
    ws = workbook(report)["小区明细"]
    rows = [row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]]
    assert [row[0] for row in rows] == ["A1", "A2", "N1", "B2", "B1"]
    assert len(rows) == len(report.figures["compounds"]) == 5
    a1 = dict(zip([c.value for c in ws[3]], rows[0], strict=True))
    assert (a1["小区"], a1["物业企业"], a1["结果"], a1["得分"]) == (
        "甲一小区",
        "甲物业公司",
        "达标",
        100,
    )
    assert a1["巡逻时长（小时）"] == 3.5
    assert a1["联防覆盖率"] == pytest.approx(0.6)
    assert (a1["物防"], a1["技防"], a1["重点管理"]) == ("达标", "达标", "否")
    n1 = dict(zip([c.value for c in ws[3]], rows[2], strict=True))
    assert (n1["物业企业"], n1["物防"]) == ("—", "未评估")


def test_the_per_street_sheets_end_with_the_summarys_totals(report):
    book, summary = workbook(report), report.figures["summary"]

    def rows_of(sheet):
        return [r for r in book[sheet].iter_rows(min_row=4, values_only=True) if r[0]]

    hazards = rows_of("隐患整改")
    assert [r[0] for r in hazards[:3]] == ["和平街道", "建设街道", "合计"]
    assert hazards[2][:4] == ("合计", 3, 1, 1)
    assert hazards[2][4] == pytest.approx(summary["rectification_rate"][0] / 100)
    disputes = rows_of("矛盾纠纷")
    assert disputes[2][:5] == ("合计", 4, 1, 1, 1)
    categories = dict(r[:2] for r in disputes[4:14])
    assert (categories["噪声扰民"], categories["停车纠纷"], categories["婚姻家庭"]) == (2, 1, 1)
    residents = rows_of("以房管人")
    assert residents[2][:2] == ("合计", 3)
    assert residents[2][2] == pytest.approx(0.667)
    key = rows_of("重点管理名单")
    assert [(r[0], r[5]) for r in key] == [("乙一小区", "退出"), ("乙二小区", "纳入")]


def test_a_name_that_looks_like_a_formula_is_written_as_text(report_world, today, build):
    compound = report_world.compounds["A2"]
    compound.name = HOSTILE
    compound.save(update_fields=["name"])
    report = build(user=report_world.bureau, district=report_world.district, month=MONTH)
    ws = workbook(report)["小区明细"]
    cell = next(row[1] for row in ws.iter_rows(min_row=4) if row[0].value == "A2")
    assert cell.data_type == "s"
    assert cell.value == "'" + HOSTILE
    with zipfile.ZipFile(report.workbook.path) as archive:
        xml = b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )
    assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere


def test_the_workbook_has_its_charts(report):
    with zipfile.ZipFile(report.workbook.path) as archive:
        names = archive.namelist()
        assert "xl/charts/chart1.xml" in names
        charts = b"".join(archive.read(n) for n in names if n.startswith("xl/charts/chart"))
    assert "各街道达标率".encode() in charts  # the ranking's column chart
    assert "本月纠纷类别".encode() in charts  # the disputes' pie


def test_the_ranking_sheet_names_the_streets_left_out(report):
    ws = workbook(report)["街道排名"]
    rows = [
        tuple(v for v in row if v is not None)
        for row in ws.iter_rows(min_row=4, values_only=True)
        if any(v is not None for v in row)
    ]
    assert rows[0][:4] == (1, "和平街道", 3, pytest.approx(0.333))
    assert rows[1] == ("注：已审核自查少于3份的街道未参加排名：建设街道",)
    # The 结案率 ranking has its own header: its columns are not the ones above.
    assert rows[2:5] == [
        ("结案率排名",),
        ("排名", "街道", "纠纷登记", "结案率", "平均办结天数"),
        (1, "和平街道", 3, pytest.approx(0.333), 3),
    ]
    assert rows[5] == ("注：登记纠纷少于3件的街道未参加结案率排名：建设街道",)


def test_a_street_report_ranks_its_compounds_by_result_then_score(report_world, today, build):
    report = build(
        user=report_world.street,
        district=report_world.district,
        street=report_world.streets[0],
        month=MONTH,
    )
    assert report.status == ReportStatus.READY, report.error
    book = workbook(report)
    assert book.sheetnames == sheet_names(COMPOUND)
    assert book["汇总"]["A2"].value == "填报单位：和平街道办事处"
    ws = book["小区排名"]
    assert [c.value for c in ws[3]][:4] == ["排名", "小区", "已审核自查", "自查得分"]
    ranked = [row[:4] for row in ws.iter_rows(min_row=4, max_row=6, values_only=True)]
    assert ranked == [(1, "甲一小区", 1, 100), (2, "甲二小区", 1, 80), (3, "乙二小区", 1, 100)]
    doc = Document(report.circular.path)
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["排名", "小区", "自查得分", "按时提交率"]
    assert [row[1] for row in rows[1:]] == ["甲一小区", "甲二小区", "乙二小区"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "注：已审核自查少于1份的小区未参加排名：无物业小区。" in text
    assert text.count("和平街道") >= 2  # the scope in the title and the body


# The circular ---------------------------------------------------------------------------------


def test_the_circular_has_its_title_number_and_the_figures(report):
    text = paragraphs(report)
    assert text[0] == "朝阳示范区住房和城乡建设局"
    assert text[1] == "朝阳示范区建安通〔2026〕10号"
    assert text[2] == "关于2026年10月朝阳示范区平安小区创建工作情况的通报"
    values = placeholder_values(
        report.figures,
        scope_name="朝阳示范区",
        district_name="朝阳示范区",
        issued_on=TODAY.date(),
    )
    assert (values["on_time_rate"], values["pass_rate"], values["closure_rate"]) == (
        "50.0%",
        "33.3%",
        "25.0%",
    )
    assert values["pass_rate_change"] == "下降66.7个百分点"
    assert values["pass_rate_year_change"] == "无可比数据"
    assert values["disputes_registered_change"] == "增加3"
    body = "\n".join(text)
    assert (
        "本月应自查小区4个，已提交3个，按时提交率50.0%；已审核3个，其中达标1个、基本达标1个、"
        "不达标1个，达标率33.3%，环比下降66.7个百分点，同比无可比数据。开展督导检查2次。"
    ) in body
    assert "本月登记矛盾纠纷4件，办结1件，上报1件，结案率25.0%，环比下降75.0个百分点" in body
    assert "本月巡逻2次，共3.5小时，发现问题1处；十户联防覆盖率42.9%" in body
    assert "流动人口3人，列管率66.7%" in body
    assert text[-1] == "2026年12月6日"


def test_the_circular_ranks_the_streets_and_praises_the_compounds(report):
    doc = Document(report.circular.path)
    ranking = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert ranking == [
        ["排名", "街道", "达标率", "按时提交率"],
        ["1", "和平街道", "33.3%", "66.7%"],
    ]
    cases = [[cell.text for cell in row.cells] for row in doc.tables[1].rows]
    assert cases == [["排名", "街道", "登记纠纷", "结案率"], ["1", "和平街道", "3", "33.3%"]]
    key = [[cell.text for cell in row.cells] for row in doc.tables[2].rows]
    assert key[1:] == [
        ["乙一小区", "2026-09-10", "投诉多", "2026-10-20退出"],
        ["乙二小区", "2026-10-25", "消防隐患多", "本月纳入"],
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "注：已审核自查少于3份的街道未参加排名：建设街道。" in text
    assert "予以通报表扬：甲一小区（100分）。" in text


def test_an_edited_template_changes_the_next_reports_words(report, report_world, build):
    first = circular_template_in_force()
    assert report.circular_template == first
    words = {name: getattr(first, name) for name in CircularTemplate.TEXT_FIELDS}
    words["title"] = "{month_label}{scope}平安建设督导情况通报"
    words["body"] = "本月共检查{self_checks_approved}个小区，结案率{closure_rate}。"
    edited = CircularTemplate.objects.create(version=first.version + 1, note="改标题", **words)
    street = build(
        user=report_world.bureau,
        district=report_world.district,
        street=report_world.streets[0],
        month=MONTH,
    )
    assert street.status == ReportStatus.READY, street.error
    assert street.circular_template == edited
    text = paragraphs(street)
    assert text[2] == "2026年10月和平街道平安建设督导情况通报"
    assert "本月共检查3个小区，结案率33.3%。" in text
    assert "关于2026年10月朝阳示范区平安小区创建工作情况的通报" in paragraphs(report)  # as it was


def test_template_errors_name_an_unknown_placeholder():
    assert template_errors("本月{pass_rate}，{pass_rate_change}") == []
    assert template_errors("本月{passrate}和{scope}{nonsense}") == ["{nonsense}", "{passrate}"]
    assert template_errors("本月{pass_rate") != []  # unbalanced brace
    # What would make every later report fail is refused too: a positional field, a format
    # the words cannot take.
    assert template_errors("本月{}") == ["{}"]
    assert template_errors("本月{0}") == ["{0}"]
    assert template_errors("本月{pass_rate:d}") == [
        "Unknown format code 'd' for object of type 'str'"
    ]
    assert template_errors("达标率{pass_rate:>6}{issuer}") == []
    # the issuing office cannot name itself
    assert template_errors("{issuer}办公室", issuer=False) == ["{issuer}"]


# LibreOffice ----------------------------------------------------------------------------------


def soffice() -> str:
    """LibreOffice's command; missing, the test fails in CI and is skipped elsewhere."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice (soffice) is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"LibreOffice is required in CI: {reason}", pytrace=False)
    pytest.skip(f"{reason}: the PDF conversion test is skipped")


def test_libreoffice_converts_both_files_to_pdf(report, tmp_path):
    command = soffice()
    for source in (Path(report.workbook.path), Path(report.circular.path)):
        subprocess.run(  # noqa: S603  (our own files, a fixed command)
            [
                command,
                f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.is_file(), source.name
        assert pdf.read_bytes().startswith(b"%PDF")
