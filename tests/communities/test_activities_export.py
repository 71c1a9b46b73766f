"""The export of activities (workbench /activities/export/): its sheets, the list's filters,
the scope of each role, phones in free text masked, formulas neutralised, and a query count
that does not grow with the rows."""

import io
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.activities import exporting as x
from communities.activities import services
from communities.models import ActivityKind
from tests.inspections.conftest import png_upload

from .activity_helpers import last_month, record

EXPORT = reverse("communities:activity_export")


def export(client, params=None):
    """Press the list's export button: a POST carrying the list's query string."""
    query = f"?{urlencode(params)}" if params else ""
    response = client.post(f"{EXPORT}{query}")
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def rows(book) -> dict[str, dict]:
    """The activities sheet by title."""
    table = list(book[x.SHEET].iter_rows(values_only=True))
    assert list(table[0]) == [header for header, _w, _k in x.HEADERS]
    return {row[3]: dict(zip(table[0], row, strict=True)) for row in table[1:]}


def figures(book) -> dict[str, object]:
    return {row[0]: row[2] for row in book[x.FIGURES_SHEET].iter_rows(values_only=True)}


@pytest.fixture
def activities(city):
    a1 = record(
        city.manager_a,
        compound=city.compounds["A1"],
        title="甲一普法",
        participants=40,
        note="联系人电话 13812345678",
    )
    services.activity_photo_add(activity=a1, actor=city.manager_a, upload=png_upload())
    record(
        city.manager_a,
        compound=city.compounds["A2"],
        title="甲二演练",
        kind=ActivityKind.FIRE_DRILL,
        participants=60,
        date=last_month(),
    )
    record(city.community, community=city.communities[0], title="幸福社区居民会议",
           kind=ActivityKind.RESIDENTS_MEETING, participants=100)  # fmt: skip
    record(city.manager_b, compound=city.compounds["B1"], title="=HYPERLINK(1)", participants=7)
    record(city.street, community=city.communities[1], title="团结社区普法", participants=9)


def test_the_bureau_exports_every_activity_with_its_place_and_figures(client, city, activities):
    client.force_login(city.bureau)

    book = export(client)

    table = rows(book)
    assert set(table) == {
        "甲一普法",
        "甲二演练",
        "幸福社区居民会议",
        "'=HYPERLINK(1)",
        "团结社区普法",
    }
    a1 = table["甲一普法"]
    assert (a1["活动类型"], a1["法制教育"], a1["街道"], a1["社区"]) == (
        "普法宣传",
        "是",
        "和平街道",
        "幸福社区",
    )
    assert (a1["小区编码"], a1["小区"], a1["参加人数"], a1["照片数"]) == ("A1", "甲一小区", 40, 1)
    assert a1["登记单位"] == "甲物业公司"
    assert table["幸福社区居民会议"]["小区"] == "（全社区）"
    sums = figures(book)
    assert (sums["活动次数"], sums["参加人次"]) == (5, 216)
    assert sums["其中法制教育（普法、法律进社区、法律进住户）"] == 3


def test_formulas_are_neutralised(client, city, activities):
    client.force_login(city.bureau)
    sheet = export(client)[x.SHEET]
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in titles and "=HYPERLINK(1)" not in titles


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("street", {"甲一普法", "甲二演练", "幸福社区居民会议", "团结社区普法"}),
        ("community", {"甲一普法", "甲二演练", "幸福社区居民会议"}),
        ("manager_a", {"甲一普法", "甲二演练", "幸福社区居民会议"}),
        ("manager_b", {"'=HYPERLINK(1)", "团结社区普法"}),
        ("viewer_a", {"甲一普法", "甲二演练", "幸福社区居民会议"}),
    ],
)
def test_each_role_exports_only_its_area(client, city, activities, who, expected):
    client.force_login(getattr(city, who))
    assert set(rows(export(client))) == expected


def test_the_lists_filters_narrow_both_sheets(client, city, activities):
    client.force_login(city.bureau)

    book = export(client, {"month": f"{last_month():%Y-%m}"})

    assert set(rows(book)) == {"甲二演练"}
    assert figures(book)["活动次数"] == 1
    assert f"月份：{last_month():%Y-%m}" in str(figures(book)["筛选条件"])


def test_a_street_outside_the_scope_is_ignored_never_exported(client, city, activities):
    client.force_login(city.manager_a)
    book = export(client, {"street": city.streets[1].pk})
    assert set(rows(book)) == {"甲一普法", "甲二演练", "幸福社区居民会议"}


def test_a_phone_in_the_note_is_masked_for_a_company(client, city, activities):
    client.force_login(city.manager_a)
    note = rows(export(client))["甲一普法"]["备注"]
    assert "13812345678" not in note and "138****5678" in note


def test_a_phone_in_the_note_is_in_full_for_a_role_that_sees_personal_data(
    client, city, activities
):
    client.force_login(city.community)
    assert rows(export(client))["甲一普法"]["备注"] == "联系人电话 13812345678"


def test_nobody_without_a_membership_may_export(client, city, activities):
    client.force_login(city.nobody)
    assert client.post(EXPORT).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        export(client)
    return len(queries)


def test_the_export_costs_the_same_queries_for_few_and_many_activities(client, city, activities):
    client.force_login(city.bureau)
    few = _queries(client)
    for n in range(15):
        record(city.bureau, compound=city.compounds["N1"], title=f"无物业普法{n}")
    assert _queries(client) == few
