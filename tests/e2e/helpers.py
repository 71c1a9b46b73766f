"""What every browser test does: log in as a member of the cast, check a phone page's width."""

from .conftest import PASSWORD, PHONE


def log_in(page, base: str, username: str) -> None:
    """Log in on the workbench's login page and land on the home page."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
