"""The bureau's import in a real Chromium: a file with bad rows is refused and every bad row is
named; the corrected file is previewed, confirmed and written. Screenshots feed the guide."""

import pytest

from communities import models as m

pytestmark = pytest.mark.e2e

HEADER = "小区编码,楼栋,单元,房号,居住状态,居住人数,流动人口数,户主姓名,户主电话,户主身份证号"
GOOD_ROWS = [
    "A1,7,1,701,自住,3,0,,,",
    "A1,7,1,702,出租,2,2,,,",
]
BAD_ROWS = [
    "ZZ9,7,1,703,自住,3,0,,,",  # unknown compound code
    "A2,7,1,704,自住,三,0,,,",  # not a number
]


def _upload(page, base, rows):
    page.goto(f"{base}/admin/communities/household/import/")
    content = "\n".join([HEADER, *rows]).encode("utf-8")
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "households.csv", "mimeType": "text/csv", "buffer": content}],
    )
    if page.locator("#id_format").count():
        page.select_option("#id_format", label="csv")
    page.click("form input[type=submit]")
    page.wait_for_load_state()


def test_bureau_imports_households_all_or_nothing(bureau_admin, live_server, screenshots):
    page, base = bureau_admin, live_server.url
    before = m.Household.objects.count()

    _upload(page, base, GOOD_ROWS + BAD_ROWS)
    text = page.locator("#content").inner_text()
    # Rows are numbered as the spreadsheet shows them: the header is row 1.
    assert "第4行，“小区编码”列：编码“ZZ9”不存在。" in text
    assert "第5行，“居住人数”列：“三”不是整数。" in text
    assert "第2行" not in text and "第3行" not in text  # the good rows are not blamed
    page.screenshot(path=str(screenshots / "admin-import-errors.png"), full_page=True)
    assert m.Household.objects.count() == before

    _upload(page, base, GOOD_ROWS)
    assert page.locator("input[name=confirm]").count() == 1
    page.screenshot(path=str(screenshots / "admin-import-preview.png"), full_page=True)
    assert m.Household.objects.count() == before  # the preview writes nothing
    page.click("input[name=confirm]")
    page.wait_for_load_state()
    assert m.Household.objects.count() == before + 2
    assert set(m.Household.objects.filter(building="7").values_list("room", "occupancy")) == {
        ("701", "owner"),
        ("702", "rented"),
    }
