"""The street-office summaries (issue 13): each kind's file read back (title rows, headers,
rows, 合计 equal to the sums and to the apps' figure functions), only the user's scope, the page
and its permission, small files at once and large ones as a job with progress, downloadable by
its owner only, the audit entry, formulas neutralised and personal data masked."""

import datetime
import io
import tempfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities import audit
from communities.exports import ExportContext, get_exporter
from communities.exports.writer import TOTAL_LABEL, write_export
from communities.models import Compound, ExportJob, Role
from communities.months import percent
from disputes.figures import dispute_month_figures
from inspections.figures import hazard_month_figures, self_check_figures
from reports.exporting import compounds as cs
from reports.exporting.base import SEQUENCE, months_of
from reports.exporting.kinds import KINDS
from tests import factories as f
from tests.conftest import _member

from .summary_records import FORMULA, last_month, make_records

URL = "/summaries/"


@pytest.fixture
def records(city):
    make_records(city)
    return city


def params(months=None) -> dict:
    months = months or [last_month()]
    return {"first": f"{months[0]:%Y-%m}", "last": f"{months[-1]:%Y-%m}"}


def book_of(key, user, given=None):
    ctx = ExportContext(user=user, params=given or params(), today=timezone.localdate())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.xlsx"
        rows = write_export(path, get_exporter(key), ctx)
        return load_workbook(path), rows


def layout(sheet):
    """title, the 填报 row, the headers, the rows, the 合计 row (as dicts by header)."""
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[2]
    as_dicts = [dict(zip(headers, row, strict=True)) for row in rows[3:]]
    return rows[0][0], rows[1], headers, as_dicts[:-1], as_dicts[-1]


def test_the_compound_summary_is_one_row_per_compound_with_the_apps_figures_and_their_totals(
    records,
):
    city = records
    month = last_month()
    book, written = book_of(cs.KEY, city.street)

    sheet = book[f"{month:%Y-%m}"]
    title, filed, headers, rows, totals = layout(sheet)
    assert title == f"和平街道 {month.year}年{month.month}月 小区创建情况汇总表"
    assert filed[0] == "填报单位：和平街道办事处"
    assert [cell for cell in filed if cell][-1] == f"填报日期：{timezone.localdate():%Y-%m-%d}"
    assert sheet.freeze_panes == "A4"
    assert headers == tuple(column.header for column in cs.COLUMNS)
    assert [row[SEQUENCE] for row in rows] == [1, 2, 3, 4]
    assert [row["小区编码"] for row in rows] == ["A1", "A2", "N1", "B2"]  # not street 2's B1
    assert written == 4
    a1 = rows[0]
    assert (a1[cs.DUE.header], a1[cs.APPROVED.header], a1[cs.PASSED.header]) == (1, 1, 1)
    assert (a1[cs.FOUND.header], a1[cs.REGISTERED.header], a1[cs.PATROLS.header]) == (1, 1, 1)
    assert (a1[cs.TO_REGISTER.header], a1[cs.REGISTERED_RESIDENTS.header]) == (1, 0)
    assert rows[3][cs.PATROLS.header] == 1  # B2: the same patrol went there

    assert totals[SEQUENCE] == TOTAL_LABEL
    for column in cs.COLUMNS[4:]:
        if not callable(column.total):
            assert totals[column.header] == sum(row[column.header] or 0 for row in rows)
    scope = Compound.objects.visible_to(city.street)
    checks = self_check_figures(scope, month)
    hazards = hazard_month_figures(scope, month)
    disputes = dispute_month_figures(scope, month)
    assert totals[cs.DUE.header] == checks.due == 3  # A1, A2 (company A), B2 (company B)
    assert totals[cs.SUBMITTED.header] == checks.submitted
    assert totals[cs.PASS_RATE.header] == float(checks.pass_rate) == 100.0
    assert totals[cs.FOUND.header] == hazards.found == 1
    assert totals[cs.REGISTERED.header] == disputes.registered == 1
    assert totals[cs.CLOSURE_RATE.header] == (
        None if disputes.closure_rate is None else float(disputes.closure_rate)
    )
    assert totals[cs.REGISTRATION_RATE.header] == float(percent(0, 1))


def test_a_range_of_months_writes_a_sheet_per_month(records):
    month = last_month()
    before = (month - datetime.timedelta(days=1)).replace(day=1)
    book, written = book_of(cs.KEY, records.street, params([before, month]))

    assert book.sheetnames[1:] == [f"{before:%Y-%m}", f"{month:%Y-%m}"]
    assert written == 8
    assert layout(book[f"{before:%Y-%m}"])[0].endswith(f"{before.month}月 小区创建情况汇总表")


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "compounds"])
def test_each_record_summary_has_the_layout_the_apps_columns_and_totals(records, kind):
    exporter = KINDS[kind][1]
    book, written = book_of(exporter.key, records.street)

    sheet = book.worksheets[1]
    title, filed, headers, rows, totals = layout(sheet)
    assert title.startswith("和平街道 ") and title.endswith(exporter.title)
    assert filed[0] == "填报单位：和平街道办事处"
    assert headers[0] == SEQUENCE
    assert len(rows) == written > 0
    assert [row[SEQUENCE] for row in rows] == list(range(1, written + 1))
    assert totals[SEQUENCE] == TOTAL_LABEL
    numbers = [h for h in headers[1:] if any(isinstance(row[h], (int, float)) for row in rows)]
    for header in numbers:
        if totals[header] is not None and header not in exporter.totals:
            assert totals[header] == pytest.approx(sum(row[header] or 0 for row in rows))


def test_a_street_sees_only_its_compounds_in_every_summary(records):
    for _label, exporter in KINDS.values():
        book, _rows = book_of(exporter.key, records.street)
        text = " ".join(
            str(cell)
            for sheet in book.worksheets[1:]
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
        assert "乙一小区" not in text, exporter.key  # B1, street 2's
        assert "甲一小区" in text, exporter.key


def test_the_bureau_sees_every_street(records):
    book, _written = book_of(cs.KEY, records.bureau)
    title, _filed, _headers, rows, _totals = layout(book.worksheets[1])
    assert title.startswith("朝阳示范区 ")
    assert [row["小区编码"] for row in rows] == ["A1", "A2", "N1", "B2", "B1"]


def test_formulas_are_written_as_text(records):
    book, _rows = book_of("reports.summary_hazards", records.street)
    _title, _filed, _headers, rows, _totals = layout(book.worksheets[1])
    assert rows[0]["隐患描述"] == "'" + FORMULA


def test_residents_are_masked_for_a_role_without_personal_data(records):
    viewer = _member("bureau_viewer", records.org.bureau, Role.VIEWER)
    book, _rows = book_of("reports.summary_residents", viewer)
    _title, _filed, _headers, rows, _totals = layout(book.worksheets[1])
    assert [row["姓名"] for row in rows] != ["流动人员A1"]
    assert "*" in rows[0]["姓名"]
    full, _rows = book_of("reports.summary_residents", records.street)
    assert [row["姓名"] for row in layout(full.worksheets[1])[3]] == ["流动人员A1"]


def test_the_months_default_to_last_month_and_a_range_is_cut_at_twelve():
    today = datetime.date(2030, 3, 15)  # a parser's input, no clock involved
    assert months_of({}, today) == [datetime.date(2030, 2, 1)]
    assert months_of({"first": "bad"}, today) == [datetime.date(2030, 2, 1)]
    months = months_of({"first": "2028-01", "last": "2030-01"}, today)
    assert (len(months), months[-1]) == (12, datetime.date(2028, 12, 1))


# The page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "viewer_a", "community", "nobody"])
def test_who_may_not_export_summaries_gets_403(city, client, who):
    client.force_login(getattr(city, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "compounds", "first": "2026-01"}).status_code == 403


def test_the_page_offers_every_kind_and_last_month(city, client):
    client.force_login(city.street)
    page = client.get(URL).content.decode()
    assert f'value="{last_month():%Y-%m}"' in page
    for kind in KINDS:
        assert f'value="{kind}"' in page
    assert 'href="/summaries/" aria-current="page"' in page  # in the navigation


def test_a_small_summary_comes_back_at_once_with_an_audit_entry(records, client):
    client.force_login(records.street)
    response = client.post(URL, {"kind": "hazards", "first": f"{last_month():%Y-%m}"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert len(layout(book.worksheets[1])[3]) == 1
    assert not ExportJob.objects.exists()
    entry = LogEntry.objects.get(additional_data__event=audit.EXPORT)
    assert entry.actor == records.street
    assert entry.additional_data["exporter"] == "reports.summary_hazards"
    assert entry.additional_data["rows"] == 1
    assert entry.additional_data["filter"] == f"月份：{last_month().year}年{last_month().month}月"


def test_a_wrong_range_is_refused_on_the_form(city, client):
    client.force_login(city.street)
    response = client.post(URL, {"kind": "compounds", "first": "2026-05", "last": "2026-03"})
    assert response.status_code == 400
    assert not LogEntry.objects.filter(additional_data__event=audit.EXPORT).exists()


def test_a_large_summary_runs_as_a_job_reports_progress_and_only_its_owner_downloads_it(
    records, client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    settings.EXPORT_PROGRESS_EVERY = 1
    saved = []
    real_update = ExportJob.objects.filter(pk=0).update.__func__

    def watch(queryset, **values):  # every progress the task saves
        if "rows_done" in values and len(values) == 1:
            saved.append(values["rows_done"])
        return real_update(queryset, **values)

    monkeypatch.setattr(type(ExportJob.objects.filter(pk=0)), "update", watch)
    client.force_login(records.street)
    month = last_month()
    before = (month - datetime.timedelta(days=1)).replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"kind": "compounds", "first": f"{before:%Y-%m}", "last": f"{month:%Y-%m}"}
        )

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.exporter, job.rows_total, job.status, job.row_count) == (cs.KEY, 8, "done", 8)
    assert saved == list(range(1, 9))  # on across both months' sheets
    download = reverse("communities:export_download", args=[job.pk])
    assert download in client.get(response["Location"]).content.decode()
    file = client.get(download)
    assert file.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    assert book.sheetnames[1:] == [f"{before:%Y-%m}", f"{month:%Y-%m}"]
    client.force_login(records.bureau)
    assert client.get(download).status_code == 404
    entry = LogEntry.objects.get(additional_data__event=audit.EXPORT)
    assert entry.additional_data["job"] == job.pk


def test_the_compound_summary_reads_the_same_number_of_queries_for_more_compounds(
    records, django_assert_num_queries
):
    def queries_for_file() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            book_of(cs.KEY, records.street)
        return len(captured)

    few = queries_for_file()
    for n in range(4):
        f.CompoundFactory(community=records.communities[0], code=f"X{n}")
    with django_assert_num_queries(few):
        book_of(cs.KEY, records.street)
    assert few == SUMMARY_QUERIES


# The compound summary's file: the scope (1), the title rows per sheet (2), the compounds (1),
# the month's figures (self-checks, hazards, disputes, 列管率: 4), the patrols (2: the logs,
# then their places, members and findings together).
SUMMARY_QUERIES = 10
