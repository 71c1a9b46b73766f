"""A small world for the monthly report's tests, hand-counted (imported by the reports tests;
the fixtures are ``report_world``, ``today`` and ``build``).

Today is 6 December 2026 (Shanghai); the report's month M is the month before last, October
2026 (``MONTH``, computed from the travelled day), with September (环比) and October 2025 (同比).
On the cast of tests/conftest.py (street 1 和平街道: A1, A2, N1 in 幸福社区, B2 in 团结社区;
street 2 建设街道: B1):

- self-checks of M (due day the 10th): A1 submitted 8 Oct, approved 达标 (full marks, 100);
  A2 submitted 12 Oct (late), approved 基本达标 (LH-1 and LH-2 at 0); B2 submitted 9 Oct,
  approved 不达标 (the 否决项 LH-3d fails); B1's stays a draft; N1 has no company (not due).
  September: A1 approved 达标; A2 submitted, not approved. October 2025: none.
- supervisions of M: A1 by the street office (18 Oct), B1 by the bureau (21 Oct).
- hazards: h1 A2 raised 2 Oct (deadline 20 Oct), rectified 10 Oct, verified 12 Oct; h2 B1
  raised 5 Oct (deadline 15 Oct), open at the month's end, rectified 5 Nov; h3 B2 raised 28
  Oct (deadline 10 Nov).
- disputes: d0 A1 registered 21 Sep, resolved 24 Sep; d1 A2 parking registered 12 Oct,
  accepted with the deadline 20 Oct, open (overdue at the month's end); d2 A1 noise registered
  13 Oct, resolved 16 Oct (3 days); d3 B2 family registered 20 Oct, escalated 22 Oct to the
  street; d4 B1 noise registered 26 Oct, open; d5 A1 registered 15 Oct 2025, resolved 17 Oct
  2025 (2 days).
- patrols: company A's guards (A1, A2) 8 Oct 20:00–22:00 with a finding in A1; street 1's
  officers (A1, B2) 15 Oct 09:00–10:30; company B's guards (B1) 1 Sep 20:00–21:00.
- watch groups (a state): A1 has 10 occupied households, 6 of them in a group; A2, N1, B1, B2
  one occupied household each, none in a group.
- facilities (tests/patrols/conftest_facilities.py): A1 物防 and 技防 covered; A2 物防 only;
  B1 技防 only; N1 and B2 not assessed.
- residents: A1 two floating residents (one registered 10 Jan 2026, one not); B1 one floating,
  registered 10 Jan 2026.
- key management: B1 entered 10 Sep, left 20 Oct; B2 entered 25 Oct.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.months import previous_month, same_month_last_year
from disputes import services as dispute_services
from disputes.models import Category
from inspections import services
from patrols import services_patrols as sp
from patrols.watch_groups import GroupSpec, group_create
from reports.services import report_request
from tests import factories as f
from tests.conftest import build_city, shared_copy
from tests.disputes.conftest import register
from tests.inspections.conftest import fill_check
from tests.patrols.conftest_facilities import build_facilities
from tests.patrols.team_fixtures import make_teams

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI)
MONTH = previous_month(previous_month(TODAY.date()))  # October 2026
BEFORE = previous_month(MONTH)  # September 2026
YEAR_BEFORE = same_month_last_year(MONTH)  # October 2025


def at(month: datetime.date, day: int, hour: int = 10, minute: int = 0):
    """Travel to a day of ``month`` (or of the month after, for a day past its end)."""
    moment = datetime.datetime(month.year, month.month, 1, hour, minute, tzinfo=SHANGHAI)
    return time_machine.travel(moment + datetime.timedelta(days=day - 1), tick=False)


def moment(month: datetime.date, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, day, hour, minute, tzinfo=SHANGHAI)


def self_check(compound, manager, period, *, submit_on, overrides=None):
    with at(period, 1, 9):
        check = services.inspection_open(compound=compound, period=period, actor=manager)
        fill_check(check, manager, overrides)
    if submit_on is None:
        return check
    with at(period, submit_on):
        return services.inspection_submit(inspection=check, actor=manager)


def approve(check, actor, day):
    with at(check.period, day, 16):
        return services.inspection_approve(inspection=check, actor=actor)


def supervision(compound, actor, period, day):
    with at(period, day):
        check = services.supervision_open(compound=compound, period=period, actor=actor)
        fill_check(check, actor)
        return services.inspection_submit(inspection=check, actor=actor)


def raise_hazard(compound, actor, month, day, deadline):
    with at(month, day):
        return services.hazard_raise(
            compound=compound,
            actor=actor,
            category="fire",
            description="消防通道堆放杂物",
            responsible_party="物业公司",
            deadline=deadline,
        )


def rectify(hazard, actor, month, day):
    with at(month, day):
        return services.hazard_rectify(hazard=hazard, actor=actor, note="已清理")


def accept(case, actor, deadline=None):
    return dispute_services.case_accept(
        case=case, actor=actor, leader=actor, handler=actor, plan="约双方调解",
        deadline=deadline or case.deadline,
    )  # fmt: skip


def resolve(case, actor):
    return dispute_services.case_resolve(
        case=case, actor=actor, outcome="和解", agreement_reached=False
    )


def self_checks(city):
    c, a, b, street = city.compounds, city.manager_a, city.manager_b, city.street
    approve(self_check(c["A1"], a, BEFORE, submit_on=5), street, 6)
    self_check(c["A2"], a, BEFORE, submit_on=6)
    a1 = self_check(c["A1"], a, MONTH, submit_on=8)
    a2 = self_check(c["A2"], a, MONTH, submit_on=12, overrides={"LH-1": 0, "LH-2": 0})
    b2 = self_check(c["B2"], b, MONTH, submit_on=9, overrides={"LH-3d": 1})
    self_check(c["B1"], b, MONTH, submit_on=None)
    for check in (a1, a2, b2):
        approve(check, street, 15)
    supervision(c["A1"], street, MONTH, 18)
    supervision(c["B1"], city.bureau, MONTH, 21)


def hazards(city):
    c, street, bureau = city.compounds, city.street, city.bureau
    h1 = raise_hazard(c["A2"], street, MONTH, 2, datetime.date(2026, 10, 20))
    rectify(h1, city.manager_a, MONTH, 10)
    with at(MONTH, 12):
        services.hazard_verify(hazard=h1, actor=street)
    h2 = raise_hazard(c["B1"], bureau, MONTH, 5, datetime.date(2026, 10, 15))
    raise_hazard(c["B2"], street, MONTH, 28, datetime.date(2026, 11, 10))
    rectify(h2, city.manager_b, MONTH, 36)  # 5 November


def disputes(city):
    a, b = city.manager_a, city.manager_b
    with at(BEFORE, 21):
        d0 = accept(register(city), a)
    with at(BEFORE, 24):
        resolve(d0, a)
    with at(MONTH, 12):
        accept(
            register(city, compound="A2", category=Category.PARKING),
            a,
            datetime.date(2026, 10, 20),
        )
    with at(MONTH, 13):
        d2 = accept(register(city, category=Category.NOISE), a)
    with at(MONTH, 16):
        resolve(d2, a)
    with at(MONTH, 20):
        d3 = register(city, actor=b, compound="B2", category=Category.FAMILY)
    with at(MONTH, 22):
        dispute_services.case_escalate(case=d3, actor=b, reason="上交街道")
    with at(MONTH, 26):
        register(city, actor=b, compound="B1", category=Category.NOISE)
    with at(YEAR_BEFORE, 15):
        d5 = accept(register(city), a)
    with at(YEAR_BEFORE, 17):
        resolve(d5, a)


def patrols(city):
    with at(BEFORE, 1, 9):
        teams = make_teams(city)
    c = city.compounds
    with at(MONTH, 23):
        guards = sp.patrol_log(
            team=teams.guards,
            actor=city.manager_a,
            started_at=moment(MONTH, 8, 20),
            ended_at=moment(MONTH, 8, 22),
            compounds=[c["A1"], c["A2"]],
        )
        sp.finding_add(log=guards, actor=city.manager_a, compound=c["A1"], description="路灯不亮")
        sp.patrol_log(
            team=teams.officers,
            actor=city.street,
            started_at=moment(MONTH, 15, 9),
            ended_at=moment(MONTH, 15, 10, 30),
            compounds=[c["A1"], c["B2"]],
        )
    with at(BEFORE, 2):
        sp.patrol_log(
            team=teams.guards_b,
            actor=city.manager_b,
            started_at=moment(BEFORE, 1, 20),
            ended_at=moment(BEFORE, 1, 21),
            compounds=[c["B1"]],
        )
    return teams


def watch_group(city):
    a1 = city.compounds["A1"]
    homes = [city.households["A1"]] + [
        f.HouseholdFactory(compound=a1, building="9", room=str(101 + n)) for n in range(9)
    ]
    with at(MONTH, 3):
        group_create(actor=city.manager_a, compound=a1, spec=GroupSpec(households=homes[:6]))


def residents(city):
    registered = {"registered_on": datetime.date(2026, 1, 10), "registered_by": "和平派出所"}
    floating = {"kind": "floating"}
    f.ResidentFactory(household=city.households["A1"], **floating, **registered)
    f.ResidentFactory(household=city.households["A1"], **floating)
    f.ResidentFactory(household=city.households["B1"], **floating, **registered)


def key_management(city):
    c, bureau = city.compounds, city.bureau
    with at(BEFORE, 10):
        services.key_management_enter(compound=c["B1"], actor=bureau, reason="投诉多")
    with at(MONTH, 20):
        services.key_management_leave(compound=c["B1"], actor=bureau, reason="已整改")
    with at(MONTH, 25):
        services.key_management_enter(compound=c["B2"], actor=bureau, reason="消防隐患多")


def build_world(city):
    self_checks(city)
    hazards(city)
    disputes(city)
    patrols(city)
    watch_group(city)
    residents(city)
    build_facilities(city)
    key_management(city)
    return city


@pytest.fixture(scope="module")
def shared_report_world(module_db):
    """The world, built once per test module (tests/conftest.py ``module_db``)."""
    return build_world(build_city())


@pytest.fixture
def report_world(shared_report_world, db):
    return shared_copy(shared_report_world)


@pytest.fixture
def template(db):
    from inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.current()


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Request a report and run what is sent on commit (the task runs in-process,
    CELERY_TASK_ALWAYS_EAGER), as tests/reports/test_report_build.py does."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(**kwargs)
        report.refresh_from_db()
        return report

    return request
