"""Last month's records of every kind on the cast (tests/conftest.py), for the summaries'
tests: street 1 (A1, A2, N1, B2) and, outside its area, street 2's B1.

Written on the 10th of last month (computed from today, time-machine): A1's self-check
submitted by company A and approved by the street; B1's submitted; a hazard in A1 whose
description would run as a formula, one in B1; a dispute case in A1 and one in B1; a patrol of
the street's officers through A1 and B2; a watch group of five households in A1; a floating
resident not registered in A1 and one in B1.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from communities.models import ResidentKind
from communities.months import previous_month
from disputes import services as ds
from disputes.models import Category, Source
from inspections import services as ins
from inspections.models import HazardCategory
from patrols import services_patrols as sp
from patrols import services_teams as st
from patrols.models import TeamKind
from patrols.watch_groups import GroupSpec, group_create
from tests import factories as f
from tests.disputes.conftest import PARTIES
from tests.inspections.conftest import fill_check

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA = "=1+1"


def last_month() -> datetime.date:
    return previous_month(timezone.localdate())


def on_day(month: datetime.date, day: int, hour: int = 10):
    moment = datetime.datetime(month.year, month.month, day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def self_check(compound, month, manager, reviewer=None):
    check = ins.inspection_open(compound=compound, period=month, actor=manager)
    fill_check(check, manager)
    check = ins.inspection_submit(inspection=check, actor=manager)
    if reviewer:
        check = ins.inspection_approve(inspection=check, actor=reviewer)
    return check


def hazard(city, compound, actor, description):
    return ins.hazard_raise(
        compound=city.compounds[compound],
        actor=actor,
        category=HazardCategory.PUBLIC_ORDER,
        description=description,
        responsible_party="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=40),
    )


def case(city, compound, actor):
    return ds.case_register(
        actor=actor,
        compound=city.compounds[compound],
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上噪声",
        parties=PARTIES,
    )


def patrol(city):
    team = st.team_create(
        actor=city.street,
        organisation=city.org.street,
        kind=TeamKind.OFFICERS,
        name="和平街道专职治安队",
        compounds=[city.compounds["A1"], city.compounds["B2"]],
    )
    started = timezone.now() - datetime.timedelta(hours=3)
    return sp.patrol_log(
        team=team,
        actor=city.street,
        started_at=started,
        ended_at=started + datetime.timedelta(hours=2),
        compounds=list(team.compounds.all()),
    )


def watch_group(city):
    homes = [f.HouseholdFactory(compound=city.compounds["A1"], room=f"60{n}") for n in range(5)]
    return group_create(
        actor=city.street,
        compound=city.compounds["A1"],
        spec=GroupSpec(households=homes, leader_name="周联户", leader_phone="13700001111"),
    )


def make_records(city, month: datetime.date | None = None):
    """The records in ``month`` (last month by default)."""
    month = month or last_month()
    with on_day(month, 10):
        self_check(city.compounds["A1"], month, city.manager_a, city.street)
        self_check(city.compounds["B1"], month, city.manager_b)
        hazard(city, "A1", city.street, FORMULA)
        hazard(city, "B1", city.bureau, "乙一小区门岗无人")
        case(city, "A1", city.manager_a)
        case(city, "B1", city.manager_b)
        patrol(city)
        watch_group(city)
        for code in ("A1", "B1"):
            f.ResidentFactory(
                household=city.households[code],
                kind=ResidentKind.FLOATING,
                relation="tenant",
                name="流动人员" + code,
                moved_in=month,
            )
