"""The admin's big change lists on a 1280 px desktop, beside the menu and the filters: every
column visible (the results table no wider than its box and the page not scrolling sideways)
and compound names on one line, even long ones."""

import datetime

import pytest
from django.utils import timezone

from disputes import services as disputes_services
from disputes.models import Category, Level, Source
from inspections import services as inspections_services
from tests import factories as f

from .conftest import DESKTOP

pytestmark = pytest.mark.e2e

LONG_NAMES = ["青禾湾畔花园二期东区", "丰乐安置小区", "农机站家属院"]

MEASURE = """() => {
  const box = document.querySelector('#changelist-form .results');
  const table = document.querySelector('#result_list');
  const names = [...document.querySelectorAll('#result_list .field-name')].map(cell => {
    const style = getComputedStyle(cell);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const text = cell.querySelector('a') || cell;
    return {
      text: cell.innerText.trim(),
      height: text.getBoundingClientRect().height,
      lines: text.getClientRects().length,
      line,
    };
  });
  return {
    page: document.documentElement.scrollWidth,
    box: box.clientWidth,
    table: table.getBoundingClientRect().width,
    right: table.getBoundingClientRect().right,
    names,
  };
}"""


@pytest.fixture
def big_lists(city):
    """Long compound and company names, a case and a hazard: what widens the lists."""
    company = f.PropertyCompanyFactory(
        name="青禾安居物业服务集团有限公司第二分公司", district=city.district
    )
    for n, name in enumerate(LONG_NAMES):
        compound = f.CompoundFactory(
            community=city.communities[0], code=f"11010500100{n + 3}", name=name
        )
        f.ManagementTermFactory(compound=compound, company=company)
        f.HouseholdFactory(compound=compound)
    today = timezone.localdate()
    disputes_services.case_register(
        actor=city.bureau,
        compound=city.compounds["A1"],
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[{"role": "applicant", "name": "王小明", "phone": "", "id_number": ""}],
        level=Level.COMMUNITY,
    )
    inspections_services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.bureau,
        category="fire",
        description="灭火器过期",
        responsible_party="甲物业公司",
        deadline=today + datetime.timedelta(days=15),
    )
    return city


def fits(page, base: str, path: str) -> dict:
    page.goto(f"{base}{path}")
    measured = page.evaluate(MEASURE)
    assert measured["page"] <= DESKTOP["width"], f"{path}: the page scrolls sideways"
    assert measured["table"] <= measured["box"] + 1, f"{path}: columns pushed out of view"
    assert measured["right"] <= DESKTOP["width"], f"{path}: the table runs off the screen"
    return measured


def test_the_compound_list_fits_with_names_on_one_line(
    bureau_admin, live_server, big_lists, screenshots
):
    measured = fits(bureau_admin, live_server.url, "/admin/communities/compound/")

    names = {cell["text"]: cell for cell in measured["names"]}
    assert set(LONG_NAMES) <= set(names)
    for cell in measured["names"]:
        assert cell["lines"] == 1, cell
        assert cell["height"] <= 1.6 * cell["line"], cell
    bureau_admin.screenshot(path=str(screenshots / "admin-compound-list.png"))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/communities/household/",
        "/admin/communities/managementterm/",
        "/admin/disputes/disputecase/",
        "/admin/inspections/hazard/",
        "/admin/inspections/hazardevent/",
    ],
)
def test_the_other_big_lists_fit_a_desktop(bureau_admin, live_server, big_lists, path):
    fits(bureau_admin, live_server.url, path)


def test_the_households_are_filtered_by_a_compound_typed_into_the_filter(
    live_server, bureau_admin, city
):
    """The compound filter lists no compounds: select2 asks the admin's autocomplete, and the
    match picked reloads the list narrowed to it."""
    for code in ("A1", "A1", "B1"):
        f.HouseholdFactory(compound=city.compounds[code])
    page = bureau_admin
    page.goto(f"{live_server.url}/admin/communities/household/")
    assert page.locator("#result_list tbody tr").count() == 8  # one of each compound and these

    page.click("#changelist-filter .autocomplete-filter .select2-selection")
    page.fill(".select2-search__field", "甲一")
    page.locator(".select2-results__option", has_text="甲一小区").wait_for()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert f"compound__id__exact={city.compounds['A1'].pk}" in page.url
    assert page.locator("#result_list tbody tr").count() == 3
