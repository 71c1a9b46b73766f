"""The dispute and hazard lists on a 375 px phone and a 1280 px desktop (issue 9, points 9 and
11): on the phone the filters are folded under their summary and the figures strip is on the
first screen, above the cards; the page never scrolls sideways; a filter value that cannot be
used is reported with the filters opened and the list still shown. On the desktop the filters
are open.

The live server and the browser use the real clock: every date below is counted from today.
"""

import datetime

import pytest
from django.utils import timezone

from disputes import services as dispute_services
from disputes.models import Category, Source
from inspections import services as hazard_services

from .conftest import PHONE
from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e

LISTS = [
    # url, the id of the filters' <details>, a filter field inside it
    ("/disputes/", "case-filters", "#id_q"),
    ("/hazards/", "hazard-filters", "#id_q"),
]


@pytest.fixture
def busy_city(transactional_db, city):
    """Company A's compounds with enough cases and hazards to fill several screens."""
    for user, name in ((city.manager_a, "王晓燕"), (city.street, "张建国")):
        user.first_name = name
        user.save(update_fields=["first_name"])
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    for i in range(12):
        dispute_services.case_register(
            actor=city.manager_a,
            compound=city.compounds[("A1", "A2")[i % 2]],
            category=Category.NOISE,
            source=Source.RESIDENT,
            description=f"{i + 1}号楼夜间噪声扰民",
            parties=[{"role": "applicant", "name": "王小明", "phone": "", "id_number": ""}],
        )
        hazard_services.hazard_raise(
            compound=city.compounds[("A1", "A2")[i % 2]],
            actor=city.street,
            category="fire",
            description=f"{i + 1}号楼消防通道堆放杂物",
            responsible_party="甲物业公司",
            deadline=deadline,
            photo=None,
        )
    return city


def _bottom(page, selector) -> float:
    box = page.locator(selector).bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize(("url", "details_id", "field"), LISTS)
def test_on_a_phone_the_figures_come_first_and_the_filters_are_folded(
    live_server, busy_city, phone, screenshots, url, details_id, field
):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}{url}")
    details = phone.locator(f"#{details_id}")
    assert details.get_attribute("open") is None
    assert not phone.locator(field).is_visible()
    # The figures strip is on the first screen, on one row, above the first card.
    strip = phone.locator("[data-testid=figure-strip]")
    assert _bottom(phone, "[data-testid=figure-strip]") <= PHONE["height"]
    tops = strip.locator("dd").evaluate_all("dds => dds.map(d => d.getBoundingClientRect().top)")
    assert len(tops) == 4 and max(tops) - min(tops) < 2
    first_card = phone.locator(".hazard-card").first
    assert strip.bounding_box()["y"] < first_card.bounding_box()["y"]
    assert first_card.bounding_box()["y"] < PHONE["height"]  # a card starts on the first screen
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / f"{url.strip('/')}-list-first-screen-phone.png"))

    # The summary opens the filters; filtering says how many are active.
    details.locator("summary").click()
    assert phone.locator(field).is_visible()
    no_horizontal_overflow(phone)
    phone.fill(field, "甲一")
    with phone.expect_navigation():
        details.locator("button[type=submit]").click()
    assert phone.locator("[data-testid=filters-summary]").inner_text().strip() == "筛选（1）"
    assert phone.locator("[data-testid=clear-filters]").is_visible()
    assert phone.locator(".hazard-card").count() == 6  # the six of 甲一小区
    no_horizontal_overflow(phone)


def test_a_bad_year_is_reported_with_the_filters_open_and_the_list_still_shown(
    live_server, busy_city, phone
):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}/disputes/?year=abc")
    errors = phone.locator("[data-testid=filter-errors]")
    assert errors.is_visible()
    assert "登记年度" in errors.inner_text()
    assert phone.locator("#case-filters").get_attribute("open") is not None
    assert phone.locator("#id_year").is_visible()
    assert phone.locator(".hazard-card").count() == 12
    no_horizontal_overflow(phone)


@pytest.mark.parametrize(("url", "details_id", "field"), LISTS)
def test_on_a_desktop_the_filters_are_open(live_server, busy_city, desktop, url, details_id, field):
    base = live_server.url
    log_in(desktop, base, "street")
    desktop.goto(f"{base}{url}")
    assert desktop.locator(f"#{details_id}").get_attribute("open") is not None
    assert desktop.locator(field).is_visible()
    assert _bottom(desktop, "[data-testid=filters]") < desktop.viewport_size["height"]
