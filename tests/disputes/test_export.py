"""The export of dispute cases with their figures (workbench /disputes/export/ and the admin
action): both sheets' contents, the list's filters, masking, neutralised formulas, isolation
and a query count that does not grow with the cases."""

import datetime
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import ExportJob, Role
from communities.privacy import can_see_personal_data
from communities.services import membership_set
from disputes import resources as r
from disputes import services
from disputes.figures import dispute_figures
from disputes.models import Category, DisputeCase, Level, Source
from tests import factories as f
from tests.factories import valid_id_number

from .conftest import TODAY, accept, pdf_upload, register

EXPORT_URL = "/disputes/export/"


def export(client, params=None):
    """Press the list's export button: a POST carrying the list's query string."""
    query = f"?{urlencode(params, doseq=True)}" if params else ""
    return client.post(f"{EXPORT_URL}{query}")


@pytest.fixture
def cases(city, today):
    """A1: resolved with a return visit; A2: overdue; N1 at street level (parking); B1 at
    district level; B2: escalated once."""
    a1 = accept(register(city, city.manager_a, "A1", amount=Decimal("800.00")), city.manager_a)
    services.case_resolve(
        case=a1,
        actor=city.manager_a,
        outcome="双方达成协议",
        agreement_reached=True,
        agreement_file=pdf_upload(),
    )
    services.return_visit_record(
        case=a1, actor=city.manager_a, visited_on=TODAY, satisfaction="very"
    )
    a2 = register(city, city.community, "A2", category=Category.PARKING)
    DisputeCase.objects.filter(pk=a2.pk).update(deadline=TODAY.replace(day=1))
    n1 = register(city, city.street, "N1", level=Level.STREET, source=Source.SCREENING)
    b1 = register(city, city.bureau, "B1", level=Level.DISTRICT, description="=HYPERLINK(1)")
    b2 = register(city, city.manager_b, "B2")
    services.case_escalate(case=b2, actor=city.manager_b, reason="物业无法调解")
    return {"A1": a1, "A2": a2, "N1": n1, "B1": b1, "B2": b2}


def workbook_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def case_rows(response) -> dict[str, dict]:
    return case_rows_of(workbook_of(response))


def case_rows_of(book) -> dict[str, dict]:
    rows = list(book[r.CASES_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == r.CASE_HEADERS
    return {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def figure_rows(response) -> list[tuple]:
    sheet = workbook_of(response)[r.FIGURES_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == r.FIGURE_HEADERS
    return rows[1:]


def day(value: datetime.date) -> datetime.datetime:
    """A date as openpyxl reads a real date cell back."""
    return datetime.datetime.combine(value, datetime.time())


# --- contents -----------------------------------------------------------------------------------


def test_the_bureau_exports_every_case_of_its_district_with_its_details(client, city, cases):
    client.force_login(city.bureau)

    rows = case_rows(export(client))

    assert set(rows) == {"A1", "A2", "N1", "B1", "B2"}
    a1 = rows["A1"]
    assert a1["案件编号"] == cases["A1"].number
    assert (a1["街道"], a1["社区"], a1["小区"]) == ("和平街道", "幸福社区", "甲一小区")
    assert (a1["纠纷类别"], a1["来源"], a1["层级"], a1["状态"]) == (
        "噪声扰民",
        "群众反映",
        "小区/社区",
        "已化解",
    )
    assert (a1["承办人"], a1["包保领导"]) == ("manager_a", "manager_a")
    assert (a1["涉及金额（元）"], a1["化解结果"], a1["满意度"]) == (800, "双方达成协议", "非常满意")
    assert (a1["登记日期"], a1["结案日期"], a1["已逾期"]) == (day(TODAY), day(TODAY), "否")
    assert rows["A2"]["已逾期"] == "是"
    assert rows["A2"]["办结时限"] == day(TODAY.replace(day=1))
    assert (rows["B2"]["层级"], rows["B2"]["状态"], rows["B2"]["上交次数"]) == ("街道", "已上交", 1)
    assert rows["N1"]["纠纷类别"] == "噪声扰民" and rows["A2"]["纠纷类别"] == "停车纠纷"


def test_the_figures_sheet_states_dispute_figures_of_the_same_cases(client, city, cases):
    client.force_login(city.bureau)
    expected = dispute_figures(DisputeCase.objects.visible_to(city.bureau), TODAY)

    rows = figure_rows(export(client))

    by_label = {label: value for label, part, value in rows if not part}
    for key, label in r.FIGURE_ROWS:
        value = expected[key]
        name = f"{label}(%)" if key in r.PERCENT_FIGURES else str(label)
        assert by_label[name] == (float(value) if isinstance(value, Decimal) else value), label
    assert (by_label["合计"], by_label["已化解"], by_label["已逾期"], by_label["已上交"]) == (
        5,
        1,
        1,
        1,
    )
    assert by_label["结案率(%)"] == 20
    assert by_label["满意率(%)"] == 100
    breakdowns = {(label, part): value for label, part, value in rows if part}
    for key, title in r.BREAKDOWNS:
        for _value, label, count in expected[key]:
            assert breakdowns[(str(title), str(label))] == count
    assert (
        breakdowns[("按纠纷类别", "噪声扰民")] == 4 and breakdowns[("按纠纷类别", "停车纠纷")] == 1
    )
    assert breakdowns[("按层级", "区县")] == 1 and breakdowns[("按来源", "排查")] == 1


def test_the_lists_filters_narrow_both_sheets(client, city, cases):
    client.force_login(city.bureau)

    parking = export(client, {"category": "parking"})
    overdue = export(client, {"overdue": "1"})
    open_street = export(client, {"status": "open", "level": "street"})
    searched = export(client, {"q": cases["B1"].number})

    assert set(case_rows(parking)) == {"A2"}
    assert {label: v for label, part, v in figure_rows(parking) if not part}["合计"] == 1
    assert set(case_rows(overdue)) == {"A2"}
    assert set(case_rows(open_street)) == {"N1", "B2"}
    assert set(case_rows(searched)) == {"B1"}


def test_values_the_list_does_not_offer_are_ignored(client, city, cases):
    client.force_login(city.bureau)

    rows = case_rows(export(client, {"status": "bogus", "compound": "x", "year": "1"}))

    assert set(rows) == {"A1", "A2", "N1", "B1", "B2"}


def test_a_compound_of_another_area_is_ignored_never_exported(client, city, cases):
    client.force_login(city.manager_a)

    own = case_rows(export(client, {"compound": city.compounds["A2"].pk}))
    foreign = case_rows(export(client, {"compound": city.compounds["B1"].pk}))

    assert set(own) == {"A2"}
    assert set(foreign) == {"A1", "A2"}  # not offered to manager_a: ignored, as on the list


def test_formulas_are_neutralised_and_kept_as_text(client, city, cases):
    client.force_login(city.bureau)

    workbook = workbook_of(export(client, {"q": cases["B1"].number}))

    sheet = workbook[r.CASES_SHEET]
    column = r.CASE_HEADERS.index("纠纷情况") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.value == "'=HYPERLINK(1)"
    assert cell.data_type == "s"


# --- personal data ------------------------------------------------------------------------------


@pytest.fixture
def bureau_viewer(city):
    user = f.UserFactory(username="bureau_viewer")
    membership_set(user=user, organisation=city.org.bureau, role=Role.VIEWER)
    user.refresh_from_db()
    return user


def test_parties_are_masked_for_a_user_who_may_not_see_personal_data(
    client, city, today, bureau_viewer
):
    register(
        city,
        city.street,
        "A1",
        parties=[
            {
                "role": "applicant",
                "name": "王小明",
                "phone": "13812345678",
                "id_number": valid_id_number(5),
            }
        ],
    )
    assert bureau_viewer.has_perm("disputes.export_disputecase")
    assert not can_see_personal_data(bureau_viewer)
    client.force_login(bureau_viewer)

    rows = case_rows(export(client))

    parties = rows["A1"]["当事人"]
    assert (
        parties
        == f"申请人 王** 138****5678 {valid_id_number(5)[:3]}{'*' * 11}{valid_id_number(5)[-4:]}"
    )
    assert "王小明" not in workbook_text(export(client))


def workbook_text(response) -> str:
    workbook = workbook_of(response)
    return " ".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
    )


def test_parties_are_in_full_for_a_user_who_may_see_personal_data(client, city, cases):
    assert can_see_personal_data(city.street)
    client.force_login(city.street)

    rows = case_rows(export(client))

    assert rows["A1"]["当事人"] == "申请人 王小明 13812345678; 被申请人 李大海"


# --- isolation and permission -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"A1", "A2", "N1", "B1", "B2"}),
        ("street", {"A1", "A2", "N1", "B2"}),
        ("community", {"A1", "A2", "N1"}),
        ("manager_a", {"A1", "A2"}),
        ("manager_b", {"B1", "B2"}),
    ],
)
def test_each_user_exports_only_the_cases_of_their_area(client, city, cases, who, expected):
    client.force_login(getattr(city, who))

    response = export(client)

    assert set(case_rows(response)) == expected
    totals = {label: v for label, part, v in figure_rows(response) if not part}
    assert totals["合计"] == len(expected)


def test_manager_b_never_sees_company_a_cases(client, city, cases):
    client.force_login(city.manager_b)

    text = workbook_text(export(client, {"compound": city.compounds["A1"].pk}))

    assert cases["A1"].number not in text and cases["A2"].number not in text
    assert "甲一小区" not in text


def test_users_without_the_export_permission_are_refused(client, city, cases):
    client.force_login(city.nobody)
    assert export(client).status_code == 403
    client.force_login(city.viewer_a)  # a company viewer may look but not export
    assert export(client).status_code == 403
    client.logout()
    anonymous = export(client)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_export_is_a_post_named_in_the_url_conf(client, city):
    assert reverse("disputes:case_export") == EXPORT_URL
    client.force_login(city.bureau)
    assert client.get(EXPORT_URL).status_code == 405  # a link or an image never starts one
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(city.bureau)
    assert guarded.post(EXPORT_URL).status_code == 403  # nor another site's form
    assert not ExportJob.objects.exists()


# --- query count --------------------------------------------------------------------------------

# The figures in one query; with the compounds the filter form offers, the count that decides
# between answering at once and a job, the memberships the first sheet and the figures name,
# the cases and their parties (one query a chunk, the parties' sheet filled from the same
# rows), and the audit entry
PINNED_EXPORT = 13


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = export(client)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_export_queries_do_not_grow_with_the_cases(client, city, cases):
    client.force_login(city.bureau)
    small = _count(client)
    for i in range(25):
        case = register(city, city.manager_a, "A1" if i % 2 else "A2")
        if i % 3 == 0:
            accept(case, city.manager_a)

    large = _count(client)

    assert large == small == PINNED_EXPORT


# --- the admin action ---------------------------------------------------------------------------


def test_the_admin_action_exports_the_selected_cases_with_their_figures(client, city, cases):
    client.force_login(city.street)
    chosen = [cases["A1"].pk, cases["N1"].pk, cases["B1"].pk]  # B1 is not the street's

    response = client.post(
        reverse("admin:disputes_disputecase_changelist"),
        {"action": "export_xlsx", "_selected_action": chosen, "index": 0},
    )

    assert set(case_rows(response)) == {"A1", "N1"}
    totals = {label: v for label, part, v in figure_rows(response) if not part}
    assert (totals["合计"], totals["已化解"]) == (2, 1)


# --- the shared export path ---------------------------------------------------------------------


def test_the_first_sheet_states_the_scope_and_the_lists_filter_in_words(client, city, cases):
    client.force_login(city.street)

    book = workbook_of(export(client, {"category": "parking", "overdue": "1"}))

    assert book.sheetnames == ["导出说明", r.CASES_SHEET, r.PARTIES_SHEET, r.FIGURES_SHEET]
    info = dict(row for row in book["导出说明"].iter_rows(values_only=True) if row[0])
    assert info["导出内容"] == "矛盾纠纷案件"
    assert info["数据范围"] == "和平街道办事处"
    assert info["筛选条件"] == "类别：停车纠纷；仅看逾期"  # the list's own words
    assert (info["导出人"], info["行数"]) == ("street", 1)


def test_every_active_filter_is_named_on_the_first_sheet_and_beside_the_figures(
    client, city, cases
):
    client.force_login(city.bureau)
    year = TODAY.year
    query = {"status": "open", "year": year, "compound": city.compounds["A2"].pk}

    book = workbook_of(export(client, query))

    info = dict(row for row in book["导出说明"].iter_rows(values_only=True) if row[0])
    described = info["筛选条件"]
    for words in ("状态：未结案", f"登记年度：{year}", "小区：甲二小区（A2）"):
        assert words in described
    figures = {row[0]: row[2] for row in book[r.FIGURES_SHEET].iter_rows(values_only=True)}
    assert figures["筛选条件"] == described  # the figures say which cases they count
    assert figures["数据范围"] == "朝阳示范区住建局"
    assert figures["合计"] == 1


def test_one_row_per_party(client, city, cases):
    client.force_login(city.street)

    rows = list(workbook_of(export(client))[r.PARTIES_SHEET].iter_rows(values_only=True))

    assert list(rows[0]) == ["案件编号", "小区", "角色", "姓名", "联系电话", "身份证号"]
    a1 = [row[2:] for row in rows[1:] if row[0] == cases["A1"].number]
    assert a1 == [("申请人", "王小明", "13812345678", None), ("被申请人", "李大海", None, None)]
    assert {row[0] for row in rows[1:]} == {c.number for k, c in cases.items() if k != "B1"}


def test_the_layout_a_clerk_can_send_on(client, city, cases):
    client.force_login(city.bureau)

    book = workbook_of(export(client))

    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(sheet.column_dimensions[c].width >= 10 for c in "ABC"), sheet.title
    cases_sheet = book[r.CASES_SHEET]
    header = [cell.value for cell in cases_sheet[1]]
    for name in ("登记日期", "办结时限", "结案日期"):
        column = header.index(name)
        cells = [row[column] for row in cases_sheet.iter_rows(min_row=2) if row[column].value]
        assert cells and all(cell.is_date for cell in cells), name
    assert cases_sheet.column_dimensions["P"].width >= 40  # 纠纷情况


def test_a_big_export_from_the_list_becomes_a_job_with_the_same_file(
    client, city, cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(city.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client)

    job = ExportJob.objects.get(user=city.manager_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.row_count) == ("done", 2)
    file = client.get(reverse("communities:export_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    settings.EXPORT_INLINE_MAX_ROWS = 100
    assert case_rows_of(book) == case_rows(export(client))  # the same as inline


def test_a_big_admin_export_becomes_a_job_of_the_selected_cases(
    client, city, cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(city.street)
    chosen = [cases["A1"].pk, cases["N1"].pk, cases["B1"].pk]  # B1 is not the street's

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:disputes_disputecase_changelist"),
            {"action": "export_xlsx", "_selected_action": chosen, "index": 0},
        )

    job = ExportJob.objects.get(user=city.street)
    assert response["Location"] == reverse("communities:export_job", args=[job.pk])
    job.refresh_from_db()
    file = client.get(reverse("communities:export_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    assert set(case_rows_of(book)) == {"A1", "N1"}
    info = dict(row for row in book["导出说明"].iter_rows(values_only=True) if row[0])
    assert info["筛选条件"] == "管理后台中选中的 2 条记录"  # of those the street may see


def test_cases_are_read_in_chunks_each_with_its_parties(client, city, cases, monkeypatch):
    from disputes import exporting

    client.force_login(city.bureau)
    whole = case_rows(export(client))
    monkeypatch.setattr(exporting, "CHUNK", 2)

    assert len(whole) > 2 and case_rows(export(client)) == whole
    assert any(row[r.CASE_HEADERS[-1]] for row in whole.values())  # parties came along


def test_a_phone_typed_into_the_search_is_masked_on_the_first_sheet(client, city, cases):
    client.force_login(city.bureau)

    book = workbook_of(export(client, {"q": "13812345678"}))

    info = dict(row for row in book["导出说明"].iter_rows(values_only=True) if row[0])
    assert info["筛选条件"] == "搜索：138****5678"


def test_the_admin_exports_filter_names_a_filter_typed_into_the_address(city, cases):
    from communities.exports.admin import admin_describe_filter
    from disputes.models import DisputeCase

    described = admin_describe_filter(
        DisputeCase, city.bureau, "q=110101199003071234&amount__gte=500&o=1"
    )

    assert "搜索：110***********1234" in described
    assert "amount__gte：500" in described  # not claimed as "no filter"
    assert "o：" not in described  # the ordering is no filter


def test_the_parties_sheet_has_a_column_for_each_personal_field_of_a_party():
    from communities.privacy import personal_fields
    from disputes.exporting import PARTY_COLUMNS, PARTY_FIELDS
    from disputes.models import Party

    assert tuple(personal_fields(Party)) == PARTY_FIELDS  # what the rows and the text mask
    assert len(PARTY_COLUMNS) == 3 + len(PARTY_FIELDS)
