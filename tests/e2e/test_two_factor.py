"""Two-factor login in a real Chromium: a bureau admin, who must use it, enrols an authenticator
app at the first login (QR code and key, the first code, ten recovery codes), then logs in again
with a code. The screenshots illustrate docs/user-guide/security.md."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from .conftest import PASSWORD
from .helpers import no_horizontal_overflow

pytestmark = pytest.mark.e2e


def app_code(secret: str, ahead: int = 0) -> str:
    """What the phone's app shows now (or ``ahead`` seconds from now) for the key on the page."""
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


def password_step(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")


def test_a_bureau_admin_enrols_an_app_then_logs_in_with_its_code(
    live_server, transactional_db, city, settings, phone, screenshots
):
    settings.TWO_FACTOR_REQUIRED_FOR = "privileged"
    base = live_server.url
    password_step(phone, base, "bureau")
    phone.wait_for_url(f"{base}/accounts/two-factor/setup/**")
    assert phone.locator("svg.twofactor-qr__image").is_visible()
    secret = phone.get_by_test_id("secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "two-factor-setup-phone.png"), full_page=True)

    phone.fill("#id_code", app_code(secret))
    phone.click("form.twofactor-form button[type=submit]")
    phone.get_by_test_id("twofactor-codes").wait_for()
    codes = phone.get_by_test_id("recovery-code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "two-factor-codes-phone.png"), full_page=True)
    phone.get_by_test_id("continue").click()
    phone.wait_for_url(f"{base}/")
    assert "bureau" in phone.locator(".account__name").inner_text()

    phone.click(".account form button[type=submit]")  # log out
    phone.wait_for_url(f"{base}/accounts/login/")
    password_step(phone, base, "bureau")
    phone.wait_for_url(f"{base}/accounts/two-factor/verify/**")
    assert phone.get_by_test_id("twofactor-verify").is_visible()
    assert phone.locator(".site-nav a").count() == 0  # nothing to open before the code
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(screenshots / "two-factor-verify-phone.png"), full_page=True)
    phone.fill("#id_code", app_code(secret, ahead=30))  # the app's next code: a new one
    phone.click("form.form button[type=submit]")
    phone.wait_for_url(f"{base}/")
    assert phone.locator("tr.compound-row").count() == 5

    phone.click(".account__name")  # the user menu: security settings
    phone.wait_for_url(f"{base}/accounts/two-factor/")
    assert phone.get_by_test_id("twofactor-state").inner_text() == "已启用"
    assert "10" in phone.get_by_test_id("codes-left").inner_text()
    phone.screenshot(path=str(screenshots / "two-factor-security-phone.png"), full_page=True)
