"""Personal data in full after stating a reason, in a real Chromium on a phone: a community
committee member opens a dispute case whose parties are masked, follows the banner, states why,
and is back on the case with the parties in full. The screenshot illustrates
docs/user-guide/security.md, section 7."""

import pytest

from tests.disputes.conftest import register

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e


def test_a_stated_reason_shows_the_parties_in_full(
    live_server, transactional_db, city, settings, phone, screenshots
):
    settings.PERSONAL_DATA_REASON_REQUIRED = True
    case = register(city, city.community)  # A1: 王小明 with a phone, a respondent
    base = live_server.url
    log_in(phone, base, "community")
    phone.goto(f"{base}/disputes/{case.pk}/")
    gate = phone.get_by_test_id("personal-data-gate")
    assert gate.is_visible()
    assert "13812345678" not in phone.content()

    gate.locator("a").click()
    phone.get_by_test_id("reason-form").wait_for()
    phone.select_option("#id_purpose", "dispute")
    phone.fill("#id_note", f"调处案件 {case.number}")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "personal-data-reason-phone.png"), full_page=True)
    phone.click("[data-testid=reason-form] button[type=submit]")

    phone.wait_for_url(f"{base}/disputes/{case.pk}/")
    assert "13812345678" in phone.content()
    assert phone.get_by_test_id("personal-data-gate").count() == 0
