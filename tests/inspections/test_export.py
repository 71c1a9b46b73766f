"""Exports of inspections and hazards: scoped, permissioned, formula-safe, Chinese headers, one
row per inspection with its item results, a query count that does not grow with the rows."""

import csv
import datetime
import io
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.exports import ExportContext, get_exporter
from communities.models import ExportJob
from communities.services import membership_set
from inspections import services
from inspections.models import Inspection
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS

from .conftest import PERIOD, fill_check

XLSX, CSV = "xlsx", "csv"
INSPECTION_HEADERS = [
    "小区编码",
    "小区",
    "街道",
    "社区",
    "月份",
    "类别",
    "检查单位",
    "状态",
    "得分（%）",
    "检查结果",
    "检查表版本",
    "提交时间",
    "审核时间",
    "审核意见",
]
ITEM_HEADERS = [
    "SY-1 有场所",
    "SY-2 有制度",
    "SY-3 有档案资料",
    "LH-1 组织领导好",
    "LH-2 经费保障好",
]


def export(client, model: str, fmt: str = XLSX, query: str = ""):
    return client.post(reverse(f"admin:inspections_{model}_export") + query, {"format": fmt})


def data_sheet(response):
    """The rows' sheet: the first one states scope, filter, who and when."""
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "导出说明"
    return book.worksheets[1]


def rows_of(response) -> list[tuple]:
    return list(data_sheet(response).iter_rows(values_only=True))


def day(value: datetime.date) -> datetime.datetime:
    """A date as openpyxl reads a real date cell back."""
    return datetime.datetime.combine(value, datetime.time())


def by_code(rows) -> dict[str, dict]:
    headers = rows[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}


def _hazard(city, code: str, description: str = "楼道堆物", **kwargs):
    return services.hazard_raise(
        compound=city.compounds[code],
        actor=city.street if code != "B1" else city.bureau,
        category="fire",
        severity="high",
        description=description,
        responsible_party="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        **kwargs,
    )


@pytest.fixture
def checks(city, template):
    """A1: approved, with a failed score, a not-applicable item and a case; B1: a draft."""
    a1 = services.inspection_open(compound=city.compounds["A1"], period=PERIOD, actor=None)
    fill_check(a1, city.manager_a, {"LH-2": 4, "LH-3c": "na", "LH-3d": 0, "SY-2": True})
    services.inspection_submit(inspection=a1, actor=city.manager_a)
    services.inspection_approve(inspection=a1, actor=city.street, comment="=HYPERLINK(1)")
    b1 = services.inspection_open(compound=city.compounds["B1"], period=PERIOD, actor=None)
    return a1, b1


# --- inspections --------------------------------------------------------------------------------


def test_one_row_per_inspection_with_its_item_results_as_columns(client, city, checks):
    client.force_login(city.bureau)

    rows = rows_of(export(client, "inspection"))

    assert list(rows[0][: len(INSPECTION_HEADERS)]) == INSPECTION_HEADERS
    items = list(rows[0][len(INSPECTION_HEADERS) :])
    assert items[:5] == ITEM_HEADERS
    assert len(items) == 13
    found = by_code(rows)
    assert set(found) == {"A1", "B1"}
    a1 = found["A1"]
    assert (a1["小区"], a1["街道"], a1["社区"], a1["月份"]) == (
        "甲一小区",
        "和平街道",
        "幸福社区",
        day(PERIOD),  # a month: a real date cell shown as 2026-10
    )
    month = data_sheet(export(client, "inspection"))["E2"]
    assert month.is_date and month.number_format == "yyyy-mm"
    assert (a1["类别"], a1["状态"], a1["检查单位"]) == ("自查", "已通过", "甲物业公司")
    assert a1["检查结果"] in ("达标", "基本达标")
    assert a1["SY-1 有场所"] == "是"
    assert a1["LH-2 经费保障好"] == 4
    assert a1["LH-3c 治安防范好 · 门岗值守"] == "不适用"
    assert a1["LH-3d 治安防范好 · 案件"] == 0
    assert a1["提交时间"] == day(timezone.localdate())
    b1 = found["B1"]
    assert (b1["状态"], b1["SY-1 有场所"], b1["提交时间"]) == ("草稿", None, None)


def test_the_score_is_the_stored_score(client, city, checks):
    a1 = Inspection.objects.get(pk=checks[0].pk)
    client.force_login(city.bureau)
    found = by_code(rows_of(export(client, "inspection")))
    assert found["A1"]["得分（%）"] == pytest.approx(float(a1.score))


def test_the_file_is_named_in_chinese_after_its_content_and_the_local_date(client, city, checks):
    client.force_login(city.bureau)
    today = timezone.localdate()
    response = export(client, "inspection", CSV)
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('检查')}-{today}.csv"
    )
    response = export(client, "hazard")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('隐患')}-{today}.xlsx"
    )


def test_manager_b_exports_only_company_b_inspections(client, city, checks):
    client.force_login(city.manager_b)
    rows = rows_of(export(client, "inspection"))
    assert set(by_code(rows)) == {"B1"}


def test_a_street_office_exports_only_its_street(client, city, checks):
    services.inspection_open(compound=city.compounds["B2"], period=PERIOD, actor=None)
    client.force_login(city.street)
    rows = rows_of(export(client, "inspection"))
    assert set(by_code(rows)) == {"A1", "B2"}  # B1 is in the other street


def test_the_export_follows_the_list_filters(client, city, checks):
    client.force_login(city.bureau)
    response = export(client, "inspection", query="?status__exact=draft")
    assert set(by_code(rows_of(response))) == {"B1"}
    info = dict(load_workbook(io.BytesIO(response.content))["导出说明"].iter_rows(values_only=True))
    assert info["筛选条件"] == "状态：草稿"


def test_text_that_could_run_as_a_formula_is_escaped_in_xlsx_and_csv(client, city, checks):
    client.force_login(city.bureau)  # A1's review comment is "=HYPERLINK(1)"

    sheet = data_sheet(export(client, "inspection"))
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = header.index("审核意见")
    cells = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
    assert (cells["A1"].value, cells["A1"].data_type) == ("'=HYPERLINK(1)", "s")

    text = export(client, "inspection", CSV).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    a1 = next(row for row in rows if row[0] == "A1")
    assert a1[column] == "'=HYPERLINK(1)"
    assert a1[rows[0].index("月份")] == "2026-10"


def test_exporting_needs_the_export_permission(client, city, checks):
    user = f.UserFactory(username="no_export")
    membership_set(user=user, organisation=city.org.bureau)
    user.groups.clear()  # the role would give it: keep only viewing
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_inspection", "view_hazard"])
    )
    client.force_login(user)

    assert client.get(reverse("admin:inspections_inspection_changelist")).status_code == 200
    assert client.get(reverse("admin:inspections_inspection_export")).status_code == 403
    assert export(client, "inspection").status_code == 403
    assert export(client, "hazard").status_code == 403
    listing = client.get(reverse("admin:inspections_hazard_changelist"))
    assert reverse("admin:inspections_hazard_export") not in listing.content.decode()


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a", "viewer_a", "community"])
def test_every_role_exports_what_it_sees(client, city, checks, who):
    _hazard(city, "A1")
    _hazard(city, "B1")
    client.force_login(getattr(city, who))
    assert client.get(reverse("admin:inspections_inspection_export")).status_code == 200
    sees = EXPECTED_COMPOUNDS[who] & {"A1", "B1"}
    assert set(by_code(rows_of(export(client, "inspection")))) == sees
    assert set(by_code(rows_of(export(client, "hazard")))) == sees


def test_nobody_is_sent_to_the_login_page(client, city):
    client.force_login(city.nobody)
    response = client.get(reverse("admin:inspections_inspection_export"))
    assert response.status_code == 302


def test_the_inspection_export_runs_a_fixed_number_of_queries(client, city, checks):
    client.force_login(city.bureau)
    with CaptureQueriesContext(connection) as small:
        export(client, "inspection")
    for code in ("A2", "B2"):
        services.inspection_open(compound=city.compounds[code], period=PERIOD, actor=None)
    for month in (7, 8, 9):
        for code in ("A1", "A2", "B1", "B2"):
            period = datetime.date(2026, month, 1)
            services.inspection_open(compound=city.compounds[code], period=period, actor=None)
    services.template_new_version(template=checks[0].template)
    with CaptureQueriesContext(connection) as large:
        rows = rows_of(export(client, "inspection"))
    assert len(rows) == 1 + 16
    assert len(large.captured_queries) == len(small.captured_queries)


# --- hazards ------------------------------------------------------------------------------------

HAZARD_HEADERS = [
    "小区编码",
    "小区",
    "街道",
    "社区",
    "来源",
    "隐患类别",
    "严重程度",
    "隐患描述",
    "责任单位",
    "整改期限",
    "状态",
    "已逾期",
    "登记时间",
    "整改时间",
    "验收时间",
    "整改情况",
]


def test_one_row_per_hazard_with_its_dates_and_overdue_flag(client, city, checks):
    a1 = _hazard(city, "A1", "=1+1", inspection=checks[0])
    services.hazard_rectify(hazard=a1, actor=city.manager_a, note="@SUM(A1) 已更换")
    services.hazard_verify(hazard=a1, actor=city.street)
    late = _hazard(city, "A2", "+消防通道堵塞")
    type(late).objects.filter(pk=late.pk).update(deadline=datetime.date(2020, 1, 1))
    _hazard(city, "B1")
    client.force_login(city.bureau)

    rows = rows_of(export(client, "hazard"))

    assert list(rows[0]) == HAZARD_HEADERS
    found = by_code(rows)
    assert set(found) == {"A1", "A2", "B1"}
    today = day(timezone.localdate())
    first = found["A1"]
    assert (first["来源"], first["隐患类别"], first["严重程度"], first["状态"]) == (
        "自查",
        "消防安全",
        "高",
        "已验收",
    )
    assert (first["登记时间"], first["整改时间"], first["验收时间"]) == (today, today, today)
    assert first["隐患描述"] == "'=1+1"
    assert first["整改情况"] == "'@SUM(A1) 已更换"
    assert (found["A2"]["已逾期"], found["A2"]["整改期限"]) == (
        "是",
        day(datetime.date(2020, 1, 1)),
    )
    assert found["A2"]["隐患描述"] == "'+消防通道堵塞"
    assert (found["B1"]["已逾期"], found["B1"]["状态"], found["B1"]["验收时间"]) == (
        "否",
        "待整改",
        None,
    )


def test_manager_b_exports_only_company_b_hazards(client, city, checks):
    _hazard(city, "A1")
    _hazard(city, "B1")
    client.force_login(city.manager_b)
    assert set(by_code(rows_of(export(client, "hazard")))) == {"B1"}


def test_the_hazard_export_runs_a_fixed_number_of_queries(client, city, checks):
    _hazard(city, "A1")
    client.force_login(city.bureau)
    with CaptureQueriesContext(connection) as small:
        export(client, "hazard")
    for code in ("A1", "A2", "B1", "B2", "N1"):
        _hazard(city, code)
        _hazard(city, code)
    with CaptureQueriesContext(connection) as large:
        rows = rows_of(export(client, "hazard"))
    assert len(rows) == 1 + 11
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_exporter_without_a_user_exports_nothing(city, checks):
    nobody = ExportContext(user=AnonymousUser(), today=timezone.localdate())
    assert get_exporter("inspections.inspections").count(nobody) == 0
    assert get_exporter("inspections.hazards").count(nobody) == 0


def test_a_big_export_becomes_a_job_that_keeps_the_list_filter_and_the_scope(
    client, city, checks, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for code in ("A1", "A2", "B1"):
        _hazard(city, code)
    rectifying = _hazard(city, "N1")
    type(rectifying).objects.filter(pk=rectifying.pk).update(status="rectifying")
    client.force_login(city.street)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "hazard", query="?status__exact=open")

    job = ExportJob.objects.get(user=city.street)
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.row_count) == ("done", 2)
    # the change list's filter, and whether its request showed personal data in full
    assert job.params == {"admin": "status__exact=open", "personal_data_in_full": True}
    file = client.get(reverse("communities:export_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    assert {row[0] for row in book["隐患"].iter_rows(min_row=2, values_only=True)} == {"A1", "A2"}
