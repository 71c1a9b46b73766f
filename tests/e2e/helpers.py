"""What every browser test does: log in as a member of the cast, check a phone page's width,
wait for a condition in the page."""

import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def wait_until(page, expression: str, arg=None, timeout: float = 15_000) -> None:
    """``page.wait_for_function`` that works under the site's content security policy.

    Playwright polls a condition that is not true at once through a predicate it builds with
    ``new Function`` inside the page, which the policy refuses (no 'unsafe-eval'): "EvalError:
    Evaluating a string as JavaScript violates the following Content Security Policy
    directive". ``page.evaluate`` runs through the browser's debugging protocol, which the
    policy does not apply to, so the condition is polled from here. ``expression`` is what
    ``page.evaluate`` takes: an expression, or a function of ``arg``."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"wait_until: {expression!r} still false after {timeout} ms")
        page.wait_for_timeout(25)


def compound_matches(page, typed: str, field: str = "id_compound") -> list[str]:
    """Type into a compound typeahead (``static/js/compound-autocomplete.js``) and return the
    matches it offers."""
    page.fill(f"#{field}_search", typed)
    options = page.locator(f"#{field}_search ~ [role=listbox] [role=option]")
    options.first.wait_for()
    return options.all_inner_texts()


def choose_compound(page, typed: str, label: str, field: str = "id_compound") -> None:
    """Type part of a compound's name or code into its typeahead and pick the match shown as
    ``label`` («名称（编码）»)."""
    page.fill(f"#{field}_search", typed)
    page.locator(f"#{field}_search ~ [role=listbox] [role=option]", has_text=label).click()
    wait_until(
        page,
        "([id, label]) => { const s = document.getElementById(id);"
        " return s.selectedIndex >= 0 && s.options[s.selectedIndex].text === label; }",
        [field, label],
    )
