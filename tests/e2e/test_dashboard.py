"""The dashboard on the workbench home in a real Chromium (issue 13): the street office opens
its home and finds the month's figures, what waits for it, and both charts drawn by Chart.js
(a chart instance on each canvas, its numbers those of the table beside it), under the site's
content security policy (the conftest fails the test on anything it blocks).

The months are built relative to today: the four months before this one each have A1's
self-check approved 达标 and A2's 达标 or, every other month, 基本达标 (达标率 50 %, 100 %, 50 %,
100 %), and a dispute resolved in A1 with one, or every other month two, left open in A2 (结案率
33.3 %, 50 %, 33.3 %, 50 %). This month A1's self-check is approved 达标, B2's 不达标 (a 否决项),
A2's waits for review, and a dispute in A1 is resolved.

The screenshot illustrates docs/user-guide/README.md (written there with UPDATE_SCREENSHOTS=1).
"""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from communities.months import month_of, previous_month
from disputes import services as case_services
from inspections import services
from inspections.default_template import load_default_template
from inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate
from tests.disputes.conftest import register
from tests.inspections.conftest import fill_check

from .helpers import log_in, no_horizontal_overflow, wait_until

pytestmark = pytest.mark.e2e

BASIC = {"LH-1": 0, "LH-2": 0}  # two items at 0: 基本达标


def on(day: datetime.date):
    """A moment in the past (10:00 local time on ``day``), the clock stopped there."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return time_machine.travel(moment, tick=False)


def self_check(compound, manager, period, overrides=None):
    check = services.inspection_open(compound=compound, period=period, actor=manager)
    fill_check(check, manager, overrides)
    return services.inspection_submit(inspection=check, actor=manager)


def accepted(city):
    a = city.manager_a
    case = register(city)
    return case_services.case_accept(
        case=case, actor=a, leader=a, handler=a, plan="约双方调解", deadline=case.deadline
    )


def resolve(case):
    return case_services.case_resolve(
        case=case, actor=case.handler, outcome="和解", agreement_reached=False
    )


def past_month(city, month: datetime.date, basic: bool) -> None:
    a, street = city.manager_a, city.street
    with on(month.replace(day=3)):
        for code, overrides in (("A1", None), ("A2", BASIC if basic else None)):
            check = self_check(city.compounds[code], a, month, overrides)
            services.inspection_approve(inspection=check, actor=street)
        case = accepted(city)
        for _ in range(2 if basic else 1):
            register(city, compound="A2")
    with on(month.replace(day=5)):
        resolve(case)


@pytest.fixture
def live_months(transactional_db, city, media_root):
    # A transactional test empties the database afterwards: load the checklist if it is gone.
    load_default_template(ChecklistTemplate, ChecklistSection, ChecklistItem)
    month = month_of(timezone.localdate())
    months = [previous_month(month)]
    while len(months) < 4:
        months.insert(0, previous_month(months[0]))
    for i, past in enumerate(months):
        past_month(city, past, basic=i % 2 == 0)
    street = city.street
    check = self_check(city.compounds["A1"], city.manager_a, month)
    services.inspection_approve(inspection=check, actor=street)
    check = self_check(city.compounds["B2"], city.manager_b, month, {"LH-3d": 1})
    services.inspection_approve(inspection=check, actor=street)
    self_check(city.compounds["A2"], city.manager_a, month)
    resolve(accepted(city))
    return city


def test_a_street_office_sees_its_dashboard_with_both_charts(
    desktop, phone, live_server, live_months, screenshots
):
    log_in(desktop, live_server.url, "street")
    desktop.wait_for_selector("[data-testid=dashboard]")
    wait_until(
        desktop,
        """() => [...document.querySelectorAll("canvas[data-chart]")]
            .every((canvas) => window.Chart && Chart.getChart(canvas))""",
    )
    charts = desktop.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("canvas[data-chart]")].map(
            (canvas) => {
                const chart = Chart.getChart(canvas);
                return [canvas.dataset.chart, {
                    type: chart.config.type,
                    labels: chart.data.labels,
                    pass: chart.data.datasets[0].data,
                    closure: chart.data.datasets[1].data,
                    width: canvas.width,
                }];
            }))"""
    )
    assert set(charts) == {"trend", "bars"}
    assert charts["trend"]["type"] == "line" and charts["bars"]["type"] == "bar"
    assert len(charts["trend"]["labels"]) == 12
    assert charts["trend"]["pass"][-5:] == [50.0, 100.0, 50.0, 100.0, 50.0]
    assert charts["trend"]["closure"][-5:] == [33.3, 50.0, 33.3, 50.0, 100.0]
    assert charts["bars"]["labels"] == ["团结社区", "幸福社区"]  # the lowest 达标率 first
    assert charts["bars"]["pass"] == [0.0, 100.0]
    assert all(chart["width"] > 0 for chart in charts.values())

    # The figures and the work waiting, in the street office's words.
    review = desktop.locator("[data-testid=dashboard-actions] [data-key=checks_review]")
    assert review.inner_text().split()[0] == "1"
    assert "本月截至今日" in desktop.inner_text("[data-testid=dashboard-period]")
    # The tables are there for screen readers, out of sight on screen.
    table = desktop.locator("[data-testid=trend-table]")
    assert table.locator("tbody tr").count() == 12
    assert desktop.locator("[data-testid=trend-table-box]").bounding_box()["width"] <= 1
    desktop.locator("[data-testid=dashboard]").screenshot(
        path=str(screenshots / "dashboard-desktop.png")
    )

    # Review link: the count on the home is the list's.
    review.locator("a").click()
    desktop.wait_for_url(re.compile(r".*/inspections/\?list=review$"))
    assert desktop.locator("[data-testid=dashboard]").count() == 0

    # On a phone the dashboard fits the screen's width, its charts drawn.
    log_in(phone, live_server.url, "street")
    wait_until(phone, "() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    no_horizontal_overflow(phone)
