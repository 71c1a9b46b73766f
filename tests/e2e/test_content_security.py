"""The content security policy in a real Chromium: the workbench's main pages load without the
browser blocking anything (an inline script, handler or style would show as a console error
naming the Content Security Policy), and the behaviours that moved from inline scripts to
static/js/ still work: filters open on a wide screen, 添加当事人 adds a row, the hazard form fills
the responsible company, 打印 opens the print dialogue, htmx runs without its inline style.

Every other browser test is guarded too: tests/e2e/conftest.py fails a test whose pages the
policy blocked anything on.
"""

import datetime

import pytest
from django.utils import timezone

from communities.models import ExportJob
from disputes import services as dispute_services
from disputes.models import Category, Level, Source
from inspections import services as inspection_services
from inspections.default_template import load_default_template
from inspections.exporting import HazardsExporter
from inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate

from .conftest import is_csp_violation
from .helpers import choose_compound, log_in, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def things(transactional_db, city):
    """One of each thing the workbench shows, in A1, committed for the live server."""
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    today = timezone.localdate()
    check = inspection_services.inspection_open(
        compound=city.compounds["A1"], period=today.replace(day=1), actor=None
    )
    hazard = inspection_services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=today + datetime.timedelta(days=10),
        photo=None,
    )
    case = dispute_services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        level=Level.COMMUNITY,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[{"role": "applicant", "name": "王小明", "phone": "", "id_number": ""}],
    )
    job = ExportJob.objects.create(
        user=city.manager_a, exporter=HazardsExporter.key, params={}, rows_total=5
    )
    return {"check": check, "hazard": hazard, "case": case, "job": job}


def _visit(page, url: str) -> list[str]:
    """Open a page and return what the policy blocked on it."""
    blocked = []

    def listen(message):
        if is_csp_violation(message.text):
            blocked.append(message.text)

    page.on("console", listen)
    try:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        # A round trip to the page: console messages sent while it loaded have arrived.
        page.evaluate("1")
    finally:
        page.remove_listener("console", listen)
    return blocked


def test_the_main_workbench_pages_load_with_nothing_blocked(live_server, things, desktop):
    base = live_server.url
    pages = {
        "manager_a": [
            "/",
            "/compounds/A1/",
            "/notifications/",
            "/help/",
            f"/exports/{things['job'].pk}/",
            "/inspections/",
            f"/inspections/{things['check'].pk}/",
            f"/inspections/{things['check'].pk}/print/",
        ],
        "street": ["/hazards/", "/hazards/new/", f"/hazards/{things['hazard'].pk}/"],
        "community": [
            "/disputes/",
            "/disputes/new/",
            f"/disputes/{things['case'].pk}/",
            f"/disputes/{things['case'].pk}/print/",
        ],
        "bureau": ["/key-management/"],
    }
    for who, urls in pages.items():
        desktop.context.clear_cookies()
        log_in(desktop, base, who)
        for path in urls:
            assert _visit(desktop, f"{base}{path}") == [], path
            assert desktop.evaluate("document.querySelectorAll('style').length") == 0, path


def test_htmx_runs_under_the_policy_without_its_inline_style(live_server, things, desktop):
    base = live_server.url
    log_in(desktop, base, "manager_a")
    assert _visit(desktop, f"{base}/inspections/{things['check'].pk}/") == []
    wait_until(desktop, "window.htmx !== undefined")

    config = desktop.evaluate(
        "[htmx.config.includeIndicatorStyles, htmx.config.allowEval, htmx.config.allowScriptTags,"
        " htmx.config.attributesToSettle]"
    )
    assert config == [False, False, False, ["class", "width", "height"]]
    assert desktop.evaluate("document.querySelectorAll('style').length") == 0
    # The indicator rule htmx would have added inline comes from app.css.
    opacity = desktop.evaluate(
        "(() => { const e = document.createElement('span'); e.className = 'htmx-indicator';"
        " document.body.append(e); const o = getComputedStyle(e).opacity; e.remove(); return o })()"
    )
    assert opacity == "0"


def test_filters_open_on_a_wide_screen_from_the_static_script(live_server, things, desktop):
    base = live_server.url
    log_in(desktop, base, "community")
    for path, details in (("/disputes/", "#case-filters"), ("/hazards/", "#hazard-filters")):
        assert _visit(desktop, f"{base}{path}") == []
        assert desktop.locator(details).get_attribute("open") is not None, path


def test_add_another_party_adds_a_numbered_row(live_server, things, desktop):
    base = live_server.url
    log_in(desktop, base, "community")
    assert _visit(desktop, f"{base}/disputes/new/") == []
    rows = desktop.locator("[data-party-row]:not(template [data-party-row])")
    before = rows.count()
    total = desktop.locator("input[name$=TOTAL_FORMS]")
    assert int(total.input_value()) == before

    desktop.click("[data-add-party]")

    assert rows.count() == before + 1
    assert int(total.input_value()) == before + 1
    prefix = total.get_attribute("name").removesuffix("-TOTAL_FORMS")
    assert desktop.locator(f"input[name='{prefix}-{before}-name']").count() == 1


def test_choosing_a_compound_fills_the_responsible_company(live_server, things, city, desktop):
    base = live_server.url
    log_in(desktop, base, "street")
    assert _visit(desktop, f"{base}/hazards/new/") == []

    choose_compound(desktop, "A1", "甲一小区（A1）")

    assert desktop.input_value("#id_responsible_party") == "甲物业公司"


def test_the_print_button_opens_the_print_dialogue(live_server, things, desktop):
    base = live_server.url
    desktop.add_init_script(
        "window.__printed = 0; window.print = () => { window.__printed += 1; };"
    )
    log_in(desktop, base, "community")
    assert _visit(desktop, f"{base}/disputes/{things['case'].pk}/print/") == []

    desktop.click("[data-testid=print-button]")

    assert desktop.evaluate("window.__printed") == 1


def test_an_inline_script_would_be_caught(live_server, things, desktop):
    """The guard itself: a script the page adds inline is blocked and reported."""
    base = live_server.url
    log_in(desktop, base, "manager_a")
    assert _visit(desktop, f"{base}/") == []
    blocked = []
    desktop.on("console", lambda m: is_csp_violation(m.text) and blocked.append(m.text))

    desktop.evaluate(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); })()"
    )
    desktop.evaluate("1")

    assert desktop.evaluate("window.ran === undefined")
    assert len(blocked) == 1
    desktop.context.csp_violations.clear()  # expected here: the fixture must not fail the test
