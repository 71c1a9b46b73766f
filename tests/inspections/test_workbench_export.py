"""Spreadsheets a clerk can send on: the workbench exports of the checks list and the hazard
list (the list's rows, with its filters, for each role only what it sees), and the layout of
every export — column widths, a frozen header with an auto-filter, dates as date cells, the
scope and every active filter named on the first sheet."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.exports.writer import INFO_SHEET
from communities.models import ExportJob
from inspections import services
from tests.conftest import EXPECTED_COMPOUNDS

from .conftest import PERIOD, fill_check

CHECKS_URL = "/inspections/export/"
HAZARDS_URL = "/hazards/export/"


def post(client, url, params=None):
    query = f"?{urlencode(params, doseq=True)}" if params else ""
    return client.post(f"{url}{query}")


def book_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def info_of(book) -> dict:
    return dict(row[:2] for row in book[INFO_SHEET].iter_rows(values_only=True) if row[0])


def codes(book) -> set[str]:
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    return {row[0] for row in rows[1:]}


def _hazard(city, code, category="fire", **kwargs):
    return services.hazard_raise(
        compound=city.compounds[code],
        actor=city.street if code != "B1" else city.bureau,
        category=category,
        severity="high",
        description="楼道堆物",
        responsible_party="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        **kwargs,
    )


CHECKED = {"A1", "A2", "B1", "B2"}  # N1 has no company: no self-check


@pytest.fixture
def checks(city, template):
    """Self-checks for PERIOD: A1 submitted, the others drafts."""
    opened = {
        code: services.inspection_open(compound=city.compounds[code], period=PERIOD, actor=None)
        for code in CHECKED
    }
    fill_check(opened["A1"], city.manager_a)
    services.inspection_submit(inspection=opened["A1"], actor=city.manager_a)
    return opened


@pytest.fixture
def hazards(city):
    return {
        "A1": _hazard(city, "A1"),
        "A2": _hazard(city, "A2", category="public_order"),
        "B1": _hazard(city, "B1"),
        "B2": _hazard(city, "B2"),
    }


# --- the checks list ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "street", "community", "manager_a", "manager_b"])
def test_each_role_exports_only_the_checks_it_sees(client, city, checks, who):
    client.force_login(getattr(city, who))

    # An area sees every check under «all»; a company its submitted ones under «history»
    # and its drafts, past their month, under «overdue».
    tabs = ["all"] if who not in ("manager_a", "manager_b") else ["history", "overdue"]
    exported = set().union(*(codes(book_of(post(client, CHECKS_URL, {"list": t}))) for t in tabs))

    assert exported == CHECKED & EXPECTED_COMPOUNDS[who]


def test_the_checks_export_is_the_tab_and_the_filters_of_the_list(client, city, checks):
    client.force_login(city.street)
    month = f"{PERIOD:%Y-%m}"

    book = book_of(
        post(
            client,
            CHECKS_URL,
            {"list": "review", "month": month, "compound": city.compounds["A1"].pk},
        )
    )

    assert codes(book) == {"A1"}  # only A1 was submitted
    assert info_of(book)["筛选条件"] == f"列表：待我审核；月份：{month}；小区：甲一小区（A1）"
    everything = book_of(post(client, CHECKS_URL, {"list": "all", "month": "nonsense"}))
    assert codes(everything) == CHECKED & EXPECTED_COMPOUNDS["street"]  # nothing narrowed
    assert "未采用：月份" in info_of(everything)["筛选条件"]


def test_the_checks_list_has_the_export_button(client, city, checks):
    client.force_login(city.street)
    page = client.get(reverse("inspections:check_list"), {"list": "all"}).content.decode()
    assert 'data-testid="export-checks"' in page
    assert f'action="{CHECKS_URL}?list=all"' in page


# --- the hazard list ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "street", "community", "manager_a", "manager_b"])
def test_each_role_exports_only_the_hazards_it_sees(client, city, hazards, who):
    client.force_login(getattr(city, who))

    book = book_of(post(client, HAZARDS_URL))

    assert codes(book) == set(hazards) & EXPECTED_COMPOUNDS[who]


def test_the_hazard_export_follows_the_lists_filters_and_names_them(client, city, hazards):
    client.force_login(city.bureau)

    book = book_of(post(client, HAZARDS_URL, {"category": "public_order", "status": "open"}))

    assert codes(book) == {"A2"}
    described = info_of(book)["筛选条件"]
    assert "类别：治安秩序" in described and "状态：待整改" in described


def test_another_areas_compound_is_ignored_never_exported(client, city, hazards):
    client.force_login(city.manager_a)
    book = book_of(post(client, HAZARDS_URL, {"compound": city.compounds["B1"].pk}))
    assert codes(book) == {"A1", "A2"}


def test_the_hazard_list_has_the_export_button(client, city, hazards):
    client.force_login(city.street)
    page = client.get(reverse("inspections:hazard_list"), {"category": "fire"}).content.decode()
    assert 'data-testid="export-hazards"' in page
    assert f'action="{HAZARDS_URL}?category=fire"' in page


# --- permission and method ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [CHECKS_URL, HAZARDS_URL])
def test_the_exports_are_posts_for_those_who_may_export(client, city, url):
    assert reverse("inspections:check_export") == CHECKS_URL
    assert reverse("inspections:hazard_export") == HAZARDS_URL
    client.force_login(city.nobody)
    assert client.post(url).status_code == 403
    client.force_login(city.bureau)
    assert client.get(url).status_code == 405
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(city.bureau)
    assert guarded.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    assert not ExportJob.objects.exists()


# --- the layout a clerk can send on -------------------------------------------------------------


def _data_sheets(book):
    return [sheet for sheet in book.worksheets if sheet.title != INFO_SHEET]


def test_every_sheet_has_widths_a_frozen_header_an_auto_filter_and_date_cells(
    client, city, checks, hazards
):
    client.force_login(city.bureau)
    for url in (CHECKS_URL, HAZARDS_URL):
        book = book_of(post(client, url, {"list": "all"} if url == CHECKS_URL else None))
        for sheet in _data_sheets(book):
            assert sheet.freeze_panes == "A2", sheet.title
            assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
            widths = [sheet.column_dimensions[c].width for c in "ABCD"]
            assert all(width and width >= 8 for width in widths), (sheet.title, widths)
        sheet = book.worksheets[1]
        header = [cell.value for cell in sheet[1]]
        column = header.index("整改期限" if url == HAZARDS_URL else "提交时间") + 1
        dates = [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[column - 1].value]
        assert dates and all(cell.is_date for cell in dates)
        assert all(isinstance(cell.value, datetime.datetime) for cell in dates)


def test_the_first_sheet_states_what_who_when_scope_and_rows(client, city, hazards):
    client.force_login(city.street)

    info = info_of(book_of(post(client, HAZARDS_URL, {"overdue": "1"})))

    assert info["导出内容"] == "隐患"
    assert info["数据范围"] == "和平街道办事处"
    assert info["筛选条件"] == "仅看逾期"
    assert (info["导出人"], info["行数"]) == ("street", 0)
