"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server. Never ``playwright install``: the browser is /usr/bin/chromium.

If Chromium cannot start, the tests fail when ``CI`` is set (a broken browser must not pass
unnoticed) and are skipped with the reason otherwise.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 860}
PASSWORD = "SafeCompound-2026"  # every user of the cast (tests/factories.py)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "user-guide" / "img"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI: {reason}", pytrace=False)
    pytest.skip(f"Chromium cannot start, browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session.

    Playwright's sync API runs an event loop in this thread, so Django's ORM would refuse
    to run here; DJANGO_ALLOW_ASYNC_UNSAFE is set only while the browser lives.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        _unavailable(f"playwright is not installed ({exc})")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} does not exist (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:
            _unavailable(f"launch failed: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def is_csp_violation(text: str) -> bool:
    """A console message Chromium writes when the content security policy blocks something
    ("Executing inline script violates the following Content Security Policy directive …",
    "Refused to load the script … because it violates …")."""
    return "Content Security Policy" in text


def _context(browser, viewport, **options):
    # zh-CN makes Django's LocaleMiddleware pick zh-hans, as a phone in China would.
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    # Every page of every browser test runs under the site's content security policy: what it
    # blocks (an inline script, handler or style left in a template) is collected here and
    # fails the test when its context closes.
    context.csp_violations = []
    context.on(
        "console",
        lambda message: (
            context.csp_violations.append(f"{message.page and message.page.url}: {message.text}")
            if is_csp_violation(message.text)
            else None
        ),
    )
    return context


def _close(context) -> None:
    violations = list(context.csp_violations)
    context.close()
    assert violations == [], "the content security policy blocked something"


@pytest.fixture
def phone(browser):
    """A page the size of a 375 × 812 phone."""
    context = _context(browser, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    _close(context)


@pytest.fixture
def desktop(browser):
    context = _context(browser, DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    _close(context)


@pytest.fixture
def bureau_admin(browser, live_server, transactional_db, city):
    """A desktop page logged in to the admin as the cast's bureau admin (downloads allowed)."""
    context = _context(browser, DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "bureau")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    _close(context)


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where the tests save screenshots: the user guide's folder with UPDATE_SCREENSHOTS=1
    (``make screenshots``), else a temporary folder so a test run leaves the tree clean."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path
