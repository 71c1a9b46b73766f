"""Residents on a phone (375 px): the community committee opens the residents overview, adds a
floating tenant to a rented home (a wrong check digit first: refused, what was typed kept),
and finds the tenant on the registration work list; company A's manager sees the same home
masked. The screenshots illustrate docs/user-guide/residents.md (``make screenshots``)."""

import datetime

import pytest
from django.utils import timezone

from communities.models import Occupancy, Relation, Resident, ResidentKind
from communities.privacy import mask_id_number
from tests import factories as f

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_city(transactional_db, city):
    """A rented home in A1 with its landlord, and residents around it."""
    today = timezone.localdate()
    home = city.households["A1"]
    home.occupancy = Occupancy.RENTED
    home.landlord_name, home.landlord_phone = "吴房东", "13600001111"
    home.save()
    f.ResidentFactory(household=city.households["A2"], name="钱多多", relation=Relation.OWNER)
    f.ResidentFactory(
        household=city.households["A2"],
        name="孙小流",
        kind=ResidentKind.FLOATING,
        relation=Relation.OTHER,
        registered_on=today - datetime.timedelta(days=300),
        registered_by="和平派出所",
        permit_expires=today + datetime.timedelta(days=12),
    )
    return city


def test_the_committee_adds_a_tenant_and_finds_them_on_the_work_list(
    live_server, live_city, phone, screenshots
):
    base = live_server.url
    home = live_city.households["A1"]
    log_in(phone, base, "community")

    phone.goto(f"{base}/residents/")
    assert phone.locator("[data-figure=rate]").first.inner_text() == "100.0%"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "residents-overview-phone.png"), full_page=True)

    phone.goto(f"{base}/households/{home.pk}/")
    assert "吴房东" in phone.inner_text("[data-testid=landlord]")
    phone.click("[data-testid=add-resident]")
    phone.wait_for_url(f"{base}/households/{home.pk}/residents/new/")
    number = f.valid_id_number(321, "19950817")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    phone.fill("#id_name", "冯新租")
    phone.fill("#id_id_number", wrong)
    phone.fill("#id_phone", "13912340000")
    phone.select_option("#id_kind", value=ResidentKind.FLOATING)
    phone.select_option("#id_relation", value=Relation.TENANT)
    phone.fill("#id_moved_in", timezone.localdate().isoformat())
    phone.click("[data-testid=save-resident]")
    assert phone.locator(".field--error #id_id_number").count() == 1
    assert phone.input_value("#id_name") == "冯新租"
    assert not Resident.objects.filter(name="冯新租").exists()
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "residents-add-phone.png"), full_page=True)
    phone.fill("#id_id_number", number)
    phone.click("[data-testid=save-resident]")
    phone.wait_for_url(f"{base}/households/{home.pk}/")
    tenant = Resident.objects.get(name="冯新租")
    assert tenant.id_number == number and tenant.household == home
    assert "冯新租" in phone.inner_text("[data-testid=residents]")

    phone.goto(f"{base}/residents/worklist/")
    assert phone.locator(f"[data-resident='{tenant.pk}']").count() == 1
    phone.click("[data-tab=expiring]")
    assert "孙小流" in phone.inner_text("[data-testid=worklist]")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "residents-worklist-phone.png"), full_page=True)


def test_a_manager_sees_the_home_masked(live_server, live_city, phone, screenshots):
    base = live_server.url
    owner = Resident.objects.get(name="钱多多")
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}/households/{owner.household_id}/")
    text = phone.inner_text("[data-testid=residents]")
    assert "钱多多" not in text and owner.id_number not in text
    assert "钱**" in text and mask_id_number(owner.id_number) in text
    assert phone.locator("[data-testid=counts-source]").count() == 1
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "residents-household-phone.png"), full_page=True)
