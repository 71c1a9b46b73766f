"""The workbench in a real Chromium: a property manager on a phone, and a bureau on a desktop.

The screenshots land in docs/user-guide/img/ and illustrate the user guide.
"""

import pytest

from communities import models as m
from communities import street_choice
from tests import factories as f

from .helpers import choose_compound, compound_matches, log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e

COMPANY_A_COMPOUNDS = ["甲一小区", "甲二小区"]
COMPANY_B_TEXTS = ["乙一小区", "乙二小区", "乙物业公司"]
NO_COMPANY_COMPOUND = "无物业小区"


@pytest.fixture
def live_city(transactional_db, city):
    """The fixed cast, committed so the live server's thread can read it, with a few facts more
    so the screenshots show what a real compound page holds."""
    a1 = city.compounds["A1"]
    a1.title_level, a1.title_year = m.SafeTitleLevel.CITY, 2024
    a1.household_count, a1.building_count, a1.year_built = 486, 12, 1998
    a1.has_owners_committee = True
    a1.full_clean()
    a1.save()
    f.HouseholdFactory(compound=a1, occupancy=m.Occupancy.RENTED, residents=2, floating_residents=2)
    f.HouseholdFactory(compound=a1, occupancy=m.Occupancy.VACANT, residents=0)
    return city


def test_manager_on_a_phone_sees_only_company_a(live_server, live_city, phone, screenshots):
    base = live_server.url
    phone.goto(f"{base}/")  # the workbench sends a visitor to log in first
    assert phone.url.startswith(f"{base}/accounts/login/")
    assert phone.title().endswith("平安小区")
    assert phone.locator(".brand").inner_text() == "平安小区"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "login.png"), full_page=True)

    log_in(phone, base, "manager_a")
    body = phone.locator("main").inner_text()
    for name in COMPANY_A_COMPOUNDS:
        assert phone.get_by_role("link", name=name).is_visible()
    for text in [*COMPANY_B_TEXTS, NO_COMPANY_COMPOUND]:
        assert text not in body
    assert phone.locator("tr.compound-row").count() == 2
    assert "manager_a" in phone.locator(".account__name").inner_text()
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "home-phone.png"), full_page=True)

    phone.get_by_role("link", name="甲一小区").click()
    phone.wait_for_url(f"{base}/compounds/A1/")
    assert phone.locator("h1").inner_text() == "甲一小区"
    main = phone.locator("main").inner_text()
    assert "甲物业公司" in main
    assert "乙物业公司" not in main  # company B ran A1 before; manager A does not see that term
    assert phone.locator('[data-figure="registered"]').inner_text() == "3"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "compound-phone.png"), full_page=True)

    response = phone.goto(f"{base}/compounds/B1/")
    assert response.status == 404
    assert "乙一小区" not in phone.locator("body").inner_text()


def test_language_switch_and_logout_on_a_phone(live_server, live_city, phone):
    base = live_server.url
    log_in(phone, base, "manager_a")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.click(".lang-switch button[value=en]")
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("link", name="My compounds").is_visible()
    assert phone.locator(".brand").inner_text() == "平安小区"
    no_horizontal_overflow(phone)

    phone.get_by_role("button", name="Log out").click()
    phone.wait_for_url(f"{base}/accounts/login/")
    phone.goto(f"{base}/")
    assert phone.url.startswith(f"{base}/accounts/login/")


def test_bureau_on_a_desktop_sees_the_table_and_filters(
    live_server, live_city, desktop, screenshots
):
    base = live_server.url
    log_in(desktop, base, "bureau")
    assert desktop.locator("table.compound-table thead").is_visible()
    assert desktop.locator("tr.compound-row").count() == 5
    desktop.screenshot(path=str(screenshots / "home-desktop.png"), full_page=True)

    desktop.select_option("#id_street", label="建设街道")
    desktop.click(".filters button[type=submit]")
    desktop.wait_for_load_state()
    rows = desktop.locator("tr.compound-row")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-code") == "B1"


def test_many_streets_are_chosen_by_typing(live_server, live_city, desktop, monkeypatch):
    # The cast's two streets count as many (communities/street_choice.py)
    monkeypatch.setattr(street_choice, "STREET_CHOICES_MAX", 1)
    base = live_server.url
    log_in(desktop, base, "bureau")
    assert desktop.locator("#id_street option").count() == 1  # "All": no street listed
    assert compound_matches(desktop, "建设", field="id_street") == ["建设街道"]
    choose_compound(desktop, "建设", "建设街道", field="id_street")
    desktop.click(".filters button[type=submit]")
    desktop.wait_for_load_state()
    rows = desktop.locator("tr.compound-row")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-code") == "B1"
    assert desktop.input_value("#id_street_search") == "建设街道"
