"""The dashboard on the workbench home (issue 13): the figures it shows are the apps' figure
functions over the user's compounds, per role; the bars compare the role's places; each item
of "what needs my action" counts what its link lists; nobody sees no dashboard; and the home's
query count is the same at two sizes for the bureau and a street office.

Today is 20 November 2026 (12:00 Shanghai). The month, hand-built through the services:

- self-checks of October: A1 approved 达标, A2 approved 基本达标 (street 1's pass rate 50.0 %).
- self-checks of November: A1 approved 达标; B2 approved 不达标 (a 否决项 fails); A2 submitted,
  waiting for review; B1 a draft. For street 1 (A1, A2, N1, B2): due 3, submitted 3, approved
  2, 达标 1, so 达标率 50.0 %; community 2 (B2) 0.0 %, community 1 (A1, A2, N1) 100.0 %.
- hazards of November: A1's raised on the 2nd, deadline the 10th (overdue, company A's to
  rectify); B1's raised by the bureau on the 5th, deadline 30 November.
- patrols: street 1's officers (A1, B2) plan 20:00–22:00 every day since 1 October and log
  none: in the last 7 days the windows of the 14th to the 19th are missed (6), the 20th's due.
- residents: two floating residents in A1, one not registered, one registered on 1 October
  with a permit expiring on 10 December (列管率 50.0 % now and at October's end).
- disputes of November: A1's registered by company A on the 3rd, resolved on the 6th; A2's
  registered on the 9th, waiting for the community to accept it. 结案率 of November 50.0 %.
"""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from communities.models import ResidentKind
from communities.months import Compared, percent
from communities.panels import HOME_PANELS
from communities.residents.figures import registration_rate
from communities.scoping import compounds_visible_to
from disputes import services as case_services
from disputes.figures import dispute_month_figures, dispute_month_figures_by
from inspections.figures import hazard_month_figures, self_check_figures, self_check_figures_by
from patrols.services_teams import plan_slot_set
from reports.dashboard_figures import BAR_LIMIT, TREND_MONTHS
from tests import factories as f
from tests.conftest import build_city, shared_copy
from tests.disputes.conftest import register
from tests.inspections.test_monthly_figures import approve, raise_hazard, self_check
from tests.patrols.team_fixtures import make_teams

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCT, NOV = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
TODAY = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
HOME = reverse("communities:home")


def at(month: int, day: int):
    return time_machine.travel(datetime.datetime(2026, month, day, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(scope="module")
def shared_month(module_db):
    """The month, built once per module (tests/conftest.py ``module_db``); each test takes its
    own copy (``month``)."""
    city = build_city()
    c, a, b, street = city.compounds, city.manager_a, city.manager_b, city.street
    approve(self_check(c["A1"], a, OCT, submit_on=(5,)), street, 6)
    approve(
        self_check(c["A2"], a, OCT, submit_on=(5,), overrides={"LH-1": 0, "LH-2": 0}), street, 6
    )
    approve(self_check(c["A1"], a, NOV, submit_on=(5,)), street, 12)
    approve(self_check(c["B2"], b, NOV, submit_on=(6,), overrides={"LH-3d": 1}), street, 12)
    self_check(c["A2"], a, NOV, submit_on=(9,))
    self_check(c["B1"], b, NOV, submit_on=None)
    raise_hazard(c["A1"], street, (11, 2), (11, 10))
    raise_hazard(c["B1"], city.bureau, (11, 5), (11, 30))
    with at(11, 3):
        case = register(city)
        case = case_services.case_accept(
            case=case, actor=a, leader=a, handler=a, plan="约双方调解", deadline=case.deadline
        )
    with at(11, 6):
        case_services.case_resolve(case=case, actor=a, outcome="和解", agreement_reached=False)
    with at(11, 9):
        register(city, compound="A2")
    home = city.households["A1"]
    f.ResidentFactory(household=home, kind=ResidentKind.FLOATING)
    expiring = {"registered_on": OCT, "permit_expires": datetime.date(2026, 12, 10)}
    f.ResidentFactory(household=home, kind=ResidentKind.FLOATING, **expiring)
    with at(10, 1):
        officers = make_teams(city).officers
        evenings = [(day, datetime.time(20), datetime.time(22)) for day in range(7)]
        plan_slot_set(team=officers, actor=street, windows=evenings)
    return city


@pytest.fixture
def month(shared_month, db):
    with time_machine.travel(TODAY, tick=False):
        yield shared_copy(shared_month)


def login(client, user):
    client.force_login(user)


def dashboard(client, user) -> tuple[dict, str]:
    """The dashboard's data and the home page's HTML, as ``user`` sees them."""
    login(client, user)
    response = client.get(HOME)
    assert response.status_code == 200
    panels = {panel.name: panel.data for panel in response.context["panels"]}
    return panels.get("dashboard"), response.content.decode()


def figure_block(html: str, key: str) -> str:
    found = re.search(rf'data-key="{key}">(.*?)</div>', html, re.S)
    assert found, key
    return re.sub(r"<[^>]+>|\s+", "", found.group(1))


# The figures are the apps' figures ------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "street", "community", "manager_a", "viewer_a"])
def test_the_key_figures_are_the_figure_functions_over_the_users_compounds(client, month, who):
    user = getattr(month, who)
    data, html = dashboard(client, user)
    compounds = compounds_visible_to(user)
    checks = [self_check_figures(compounds, m) for m in (NOV, OCT)]
    hazards = [hazard_month_figures(compounds, m) for m in (NOV, OCT)]
    cases = [dispute_month_figures(compounds, m) for m in (NOV, OCT)]

    expected = {
        "submission_rate": Compared(*(x.submission_rate for x in checks)),
        "pass_rate": Compared(*(x.pass_rate for x in checks)),
        "hazards_found": Compared(*(x.found for x in hazards)),
        "rectification_rate": Compared(*(x.rectification_rate for x in hazards)),
        "cases_registered": Compared(*(x.registered for x in cases)),
        "closure_rate": Compared(*(x.closure_rate for x in cases)),
    }
    shown = {figure.key: figure for figure in data["figures"]}
    for key, compared in expected.items():
        assert shown[key].compared == compared, key
        value = "—" if compared.value is None else str(compared.value)
        assert figure_block(html, key).startswith(shown[key].label.replace(" ", "") + value)
    registration = registration_rate(compounds, TODAY.date())
    assert shown["registration_rate"].value == percent(
        registration.registered, registration.present
    )


def test_a_street_offices_month_counted_by_hand(client, month):
    data, html = dashboard(client, month.street)
    shown = {figure.key: figure for figure in data["figures"]}
    assert shown["pass_rate"].compared == Compared(Decimal("50.0"), Decimal("50.0"))
    assert shown["submission_rate"].value == Decimal("100.0")  # 3 of 3 due
    assert shown["hazards_found"].compared == Compared(1, 0)  # B1 lies in street 2
    assert shown["cases_registered"].compared == Compared(2, 0)
    assert shown["closure_rate"].value == Decimal("50.0")
    assert shown["registration_rate"].compared == Compared(Decimal("50.0"), Decimal("50.0"))
    assert figure_block(html, "hazards_found").endswith("+1")
    assert "2026-11-01" in html and "2026-11-20" in html  # 本月截至今日


def test_the_trend_is_the_last_twelve_months_of_the_figure_functions(client, month):
    data, html = dashboard(client, month.street)
    compounds = compounds_visible_to(month.street)
    trend = data["trend"]
    assert len(trend) == TREND_MONTHS
    assert trend[-1].month == NOV and trend[0].month == datetime.date(2025, 12, 1)
    for row in trend:
        assert row.self_checks == self_check_figures(compounds, row.month)
        assert row.disputes == dispute_month_figures(compounds, row.month)
    chart = data["chart_data"]["trend"]
    assert chart["labels"][-2:] == ["2026-10", "2026-11"]
    assert chart["pass_rate"][-2:] == [50.0, 50.0]
    assert chart["closure_rate"][-1] == 50.0 and chart["closure_rate"][0] is None
    table = html[html.index('data-testid="trend-table"') :]
    assert re.search(
        r'data-month="2026-11">\s*<th scope="row">2026-11</th>\s*<td class="num">50.0%', table
    )


@pytest.mark.parametrize(
    "who, level, places",
    [
        ("bureau", "street", {"和平街道", "建设街道"}),
        ("street", "community", {"幸福社区", "团结社区"}),
        ("community", "compound", {"甲一小区", "甲二小区", "无物业小区"}),
        ("manager_a", "compound", {"甲一小区", "甲二小区"}),
    ],
)
def test_each_role_compares_its_own_places(client, month, who, level, places):
    user = getattr(month, who)
    data, html = dashboard(client, user)
    assert data["level"] == level
    assert {bar.name for bar in data["bars"]} == places
    compounds = compounds_visible_to(user)
    checks = self_check_figures_by(compounds, NOV, level)
    cases = dispute_month_figures_by(compounds, NOV, level)
    for bar in data["bars"]:
        assert bar.self_checks == checks[bar.id]
        if bar.id in cases:
            assert bar.disputes == cases[bar.id]
        assert f'data-place="{bar.id}"' in html
    assert data["chart_data"]["bars"]["labels"] == [bar.name for bar in data["bars"]]


def test_the_lowest_pass_rate_comes_first(client, month):
    data, _ = dashboard(client, month.street)
    assert [(bar.name, bar.self_checks.pass_rate) for bar in data["bars"]] == [
        ("团结社区", Decimal("0.0")),
        ("幸福社区", Decimal("100.0")),
    ]


def test_the_bars_are_capped_and_the_caption_says_so(client, month):
    for i in range(BAR_LIMIT):
        f.CompoundFactory(community=month.communities[0], code=f"X{i:02}")
    data, html = dashboard(client, month.community)
    assert data["places"] == 3 + BAR_LIMIT
    assert len(data["bars"]) == BAR_LIMIT and data["capped"]
    note = re.search(r'data-testid="bars-note">(.*?)</span>', html, re.S).group(1)
    assert str(BAR_LIMIT) in note and str(3 + BAR_LIMIT) in note


# What needs my action -------------------------------------------------------------------------


def listed(response) -> int:
    """How many rows a list page holds: its paginator, or the missed patrols it lists."""
    context = response.context
    if "window_count" in context:
        return context["window_count"]
    return context["page"].paginator.count


EXPECTED_ACTIONS = {
    "street": {
        "checks_review": 1,  # A2's November check
        "hazards_mine": 0,  # none rectified, waiting for verification
        "hazards_overdue": 1,  # A1's
        "cases_awaiting": 0,  # A2's case waits at community level
        "cases_overdue": 0,
        "patrols_missed": 6,
        "residents_unregistered": 1,
        "residents_expiring": 1,
        "residents_expired": 0,
        "residents_no_tenant": 0,
    },
    "manager_a": {
        "checks_todo": 0,
        "checks_returned": 0,
        "checks_overdue": 0,
        "hazards_mine": 1,  # A1's, company A rectifies
        "hazards_overdue": 1,
        "cases_awaiting": 1,  # A2's, company A acts at community level for its compound
        "cases_overdue": 0,
        "patrols_missed": 6,  # the officers patrol A1: company A sees their plan
    },
}


@pytest.mark.parametrize("who", sorted(EXPECTED_ACTIONS))
def test_each_action_counts_what_its_link_lists(client, month, who):
    user = getattr(month, who)
    data, html = dashboard(client, user)
    items = {item.key: item for item in data["actions"]}
    assert {key: item.count for key, item in items.items()} == EXPECTED_ACTIONS[who]
    for item in items.values():
        assert f'href="{item.url.replace("&", "&amp;")}"' in html
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        assert listed(response) == item.count, item.key


def test_a_viewer_has_nothing_to_act_on(client, month):
    data, html = dashboard(client, month.viewer_a)
    assert data["actions"] == []
    assert 'data-testid="dashboard-no-actions"' in html


def test_a_user_with_no_scope_sees_no_dashboard(client, month):
    data, html = dashboard(client, month.nobody)
    assert data is None
    assert 'data-testid="dashboard"' not in html
    assert "dashboard-data" not in html


def test_the_charts_data_and_scripts_are_on_the_page_without_inline_code(client, month):
    _, html = dashboard(client, month.street)
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "vendor/chart.umd.min.js" in html and "js/dashboard.js" in html
    assert html.count('<canvas data-chart="') == 2
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html)


def test_the_dashboard_is_registered_as_a_home_panel():
    assert HOME_PANELS["dashboard"].template == "reports/dashboard.html"


# Queries --------------------------------------------------------------------------------------

# The home with the dashboard: the home's own (tests/communities/test_views.py, PINNED_HOME)
# and the dashboard's, which are: 2 for the 12-month trend (each app's months in one
# statement), 2 for the hazards and 列管率 of this month and the last, 3 for the bars, the
# counts of what waits for the user (one statement: communities.counting), and the refresh
# task's reads of its user and scope (run in the process here; with a worker the first view
# shows that the figures are being computed: tests/reports/test_dashboard_cache.py).
PINNED = {"bureau": 30, "street": 30}


def grow(city):
    """More of everything the dashboard counts, in more places: the count must not move."""
    for i in range(6):
        street = f.StreetFactory(district=city.district, code=f"11010500{3 + i}")
        community = f.CommunityFactory(street=street, code=f"11010500{3 + i}001")
        for j in range(2):
            compound = f.CompoundFactory(community=community, code=f"G{i}{j}")
            f.ManagementTermFactory(compound=compound, company=city.company_a)
            f.HouseholdFactory(compound=compound)
    for i in range(4):
        community = f.CommunityFactory(street=city.streets[0], code=f"110105001{100 + i}")
        compound = f.CompoundFactory(community=community, code=f"S{i}")
        f.ManagementTermFactory(compound=compound, company=city.company_b)
        f.HouseholdFactory(compound=compound)
    for code in ("A2", "B2"):
        raise_hazard(city.compounds[code], city.street, (11, 15), (11, 18))
    with at(11, 16):
        register(city, compound="A1")
        register(city, actor=city.manager_b, compound="B2")


@pytest.mark.parametrize("who", sorted(PINNED))
def test_the_homes_query_count_is_pinned_at_two_sizes(
    client, month, who, django_assert_num_queries
):
    user = getattr(month, who)
    login(client, user)
    with django_assert_num_queries(PINNED[who]):
        assert client.get(HOME).status_code == 200
    grow(month)
    cache.clear()  # computed again at the larger size (else the kept figures are shown)
    with django_assert_num_queries(PINNED[who]):
        response = client.get(HOME)
    assert response.status_code == 200
    data = {panel.name: panel.data for panel in response.context["panels"]}["dashboard"]
    assert data["places"] > 2
