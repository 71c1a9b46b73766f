"""Logging a patrol on a phone, as issue 11 asks: the manager of company A opens the "log a
patrol" form of the company's guards on a 375 px screen (times, compounds and members already
filled), writes what was found, ticks "raise a hazard", saves, and then finds the hazard in the
hazard list, linked back to the patrol.

The screenshots illustrate docs/user-guide/patrols.md (written there with UPDATE_SCREENSHOTS=1).
"""

import pytest
from django.urls import reverse

from inspections.models import Hazard, HazardSource
from patrols.models import PatrolLog
from tests.patrols.team_fixtures import make_teams

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e

FOUND = "3号楼东侧消防通道被电动车堵塞"


@pytest.fixture
def live_teams(transactional_db, city):
    city.manager_a.first_name = "王晓燕"
    city.manager_a.save(update_fields=["first_name"])
    return make_teams(city)


def test_a_manager_logs_a_patrol_with_a_finding_that_raises_a_hazard(
    phone, live_server, city, live_teams, screenshots
):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(base + reverse("patrols:team_detail", args=[live_teams.guards.pk]))
    no_horizontal_overflow(phone)
    phone.click("[data-testid=log-patrol]")
    phone.wait_for_selector("[data-testid=patrol-form]")
    # Everything but the finding is filled in: the team's compounds and members are ticked.
    assert phone.locator("input[name=compounds]:checked").count() == 2
    assert phone.locator("input[name=members]:checked").count() == 2
    phone.fill("textarea[name=finding]", FOUND)
    phone.select_option("select[name=finding_compound]", label="甲一小区")
    phone.check("input[name=raise_hazard]")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "patrol-log-phone.png"), full_page=True)
    phone.click("[data-testid=save-patrol]")

    phone.wait_for_selector("[data-testid=hazard-link]")
    log = PatrolLog.objects.get()
    assert phone.url.endswith(reverse("patrols:patrol_detail", args=[log.pk]))
    phone.screenshot(path=str(screenshots / "patrol-detail-phone.png"), full_page=True)

    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.PATROL
    phone.goto(base + reverse("inspections:hazard_list"))
    assert FOUND in phone.content()
    phone.goto(base + reverse("inspections:hazard_detail", args=[hazard.pk]))
    phone.click("[data-testid=hazard-source-link]")
    phone.wait_for_url(f"**{reverse('patrols:patrol_detail', args=[log.pk])}")

    # The log list with its figures fits the phone, the tables by place and month included.
    phone.goto(base + reverse("patrols:patrol_list"))
    phone.click("[data-testid=figures] summary")
    assert phone.locator("[data-testid=by-place] tbody tr").count() == 2
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "patrol-list-phone.png"), full_page=True)
    phone.goto(base + reverse("patrols:patrol_missed"))
    no_horizontal_overflow(phone)
