"""The user guide in the app, on a phone: the header's 帮助 link of a page opens the guide at the
section about that page; the guide's pages fit the screen and show their screenshots."""

import pytest

from .helpers import log_in, no_horizontal_overflow

pytestmark = pytest.mark.e2e


def test_help_opens_the_section_about_the_page(
    live_server, transactional_db, city, phone, screenshots
):
    base = live_server.url
    log_in(phone, base, "manager_a")
    phone.goto(f"{base}/disputes/")

    phone.click("[data-testid=help-link]")

    phone.wait_for_url(f"{base}/help/disputes/#*")
    heading = phone.locator("h2:target")
    assert heading.inner_text().startswith("3. 案件列表")
    box = heading.bounding_box()
    assert box and 0 <= box["y"] < phone.viewport_size["height"], "the section is on screen"
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "help-phone.png"))


def test_the_guide_fits_a_phone_and_shows_its_screenshots(live_server, transactional_db, phone):
    base = live_server.url
    for name in ("", "self-checks/", "disputes/", "hazards/", "exports/"):
        phone.goto(f"{base}/help/{name}")
        assert phone.locator("[data-testid=guide-page] h1").count() == 1
        no_horizontal_overflow(phone)
        images = phone.locator("[data-testid=guide-page] img")
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            # decode() settles once the (lazy) image has loaded, and fails if it cannot.
            width = image.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
            assert width > 0, f"/help/{name}: {image.get_attribute('src')} did not load"
