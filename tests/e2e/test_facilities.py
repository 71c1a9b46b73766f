"""物防/技防 on a phone (375 px): company A's manager opens the coverage list, sees what a
compound lacks, marks a facility out of service on the compound's page and back in service, and
the gap appears and goes. The screenshots illustrate docs/user-guide/facilities.md
(``make screenshots``)."""

import pytest

from patrols.models import Facility, FacilityKind
from tests.patrols.conftest_facilities import build_facilities

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_city(transactional_db, city):
    build_facilities(city)
    return city


def test_a_manager_sees_the_gaps_and_marks_a_facility_out_of_service(
    live_server, live_city, phone, screenshots
):
    base = live_server.url
    log_in(phone, base, "manager_a")

    phone.goto(f"{base}/coverage/")
    a2 = phone.locator("[data-compound='A2']")
    assert "东门 没有正常工作的门禁" in a2.inner_text()
    assert "没有正常工作的报警点" in a2.inner_text()
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "facilities-coverage-phone.png"), full_page=True)

    phone.click("[data-compound='A1'] .hazard-card__title")
    phone.wait_for_url(f"{base}/facilities/compound/A1/")
    status = phone.locator("[data-testid=coverage-status]")
    assert status.locator("[data-status=covered]").count() == 2
    camera = Facility.objects.filter(compound__code="A1", kind=FacilityKind.CAMERA).first()
    card = phone.locator(f"[data-facility='{camera.pk}']")
    card.locator("[data-testid=mark-out-of-service]").click()
    phone.wait_for_url(f"{base}/facilities/compound/A1/")
    assert phone.locator("[data-testid=coverage-status] [data-status=not_covered]").count() == 1
    assert "没有正常工作的视频监控" in phone.inner_text("[data-testid=gaps]")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "facilities-compound-phone.png"), full_page=True)

    phone.locator(f"[data-facility='{camera.pk}'] [data-testid=mark-repaired]").click()
    phone.wait_for_url(f"{base}/facilities/compound/A1/")
    assert phone.locator("[data-testid=coverage-status] [data-status=covered]").count() == 2
    camera.refresh_from_db()
    assert camera.in_service and camera.out_of_service_since is None
