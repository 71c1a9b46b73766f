"""Forming watch groups on a phone (十户联防): the manager of company A opens a compound's
groups on a 375 px screen, asks for a proposal, moves one household out of the proposed group,
saves, and sees the group and the compound's coverage.

The screenshots illustrate docs/user-guide/watch-groups.md (written there with
UPDATE_SCREENSHOTS=1).
"""

import pytest
from django.urls import reverse

from patrols.models import WatchGroup, WatchGroupMembership
from tests.patrols.conftest import rooms

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_rooms(transactional_db, city):
    # A1, building G5: unit 1 with six rooms, unit 2 with five (the factory's own household
    # of A1 sits in another building).
    return rooms(
        city.compounds["A1"],
        {
            ("G5", "1"): [str(n) for n in range(101, 107)],
            ("G5", "2"): [str(n) for n in range(101, 106)],
        },
    )


def test_a_manager_reviews_and_saves_proposed_groups(
    phone, live_server, city, live_rooms, screenshots
):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(base + reverse("patrols:group_compound", args=["A1"]))
    no_horizontal_overflow(phone)
    phone.click("[data-testid=propose-groups]")
    phone.select_option("#id_building", "G5")
    phone.click("form[role=search] button[type=submit]")
    phone.wait_for_selector("[data-testid=proposal-form]")
    no_horizontal_overflow(phone)
    # One group of eleven: both units fit together.
    household = live_rooms["G5-2-105"]
    select = f"select[name=h{household.pk}]"
    assert phone.locator(select).input_value() == "1"
    phone.select_option(select, "")  # the manager leaves G5-2-105 out
    phone.screenshot(path=str(screenshots / "watch-groups-propose-phone.png"), full_page=True)
    phone.click("[data-testid=save-proposal]")

    phone.wait_for_selector("[data-testid=groups]")
    group = WatchGroup.objects.get(compound=city.compounds["A1"])
    assert group.memberships.count() == 10
    assert not WatchGroupMembership.objects.filter(household=household).exists()
    assert phone.locator("[data-group='1']").count() == 1
    # Coverage: 10 of A1's 12 occupied households (11 in G5 + the factory's one).
    assert phone.locator("[data-figure=covered]").inner_text() == "10"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "watch-groups-compound-phone.png"), full_page=True)

    phone.goto(base + reverse("patrols:group_list"))
    assert (
        phone.locator("tr[data-code=A1] [data-coverage]").first.get_attribute("data-coverage")
        == "10/12"
    )
