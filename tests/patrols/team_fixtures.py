"""Fixtures of the patrol team and patrol log tests (imported by those modules; the package's
conftest is the lead's).

On the cast of tests/conftest.py: company A's guards (A1, A2), community 1's volunteers (A1,
N1), street 1's full-time officers (A1, B2) and company B's guards (B1). Members have names and
phones to mask.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from patrols import services_patrols as sp
from patrols import services_teams as st
from patrols.models import MemberCategory, TeamKind


def long_ago() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=400)


def make_teams(city) -> SimpleNamespace:
    c = city.compounds
    guards = st.team_create(
        actor=city.manager_a,
        organisation=city.org.company_a,
        kind=TeamKind.GUARDS,
        name="甲物业保安队",
        compounds=[c["A1"], c["A2"]],
        leader_name="王大力",
        leader_phone="13812345678",
    )
    volunteers = st.team_create(
        actor=city.community,
        organisation=city.org.community,
        kind=TeamKind.VOLUNTEERS,
        name="幸福社区义务联防队",
        compounds=[c["A1"], c["N1"]],
        leader_name="赵志强",
    )
    officers = st.team_create(
        actor=city.street,
        organisation=city.org.street,
        kind=TeamKind.OFFICERS,
        name="和平街道专职治安队",
        compounds=[c["A1"], c["B2"]],
    )
    guards_b = st.team_create(
        actor=city.manager_b,
        organisation=city.org.company_b,
        kind=TeamKind.GUARDS,
        name="乙物业保安队",
        compounds=[c["B1"]],
    )
    members = SimpleNamespace(
        zhang=st.member_add(
            team=guards,
            actor=city.manager_a,
            name="张三丰",
            phone="13900001111",
            category=MemberCategory.GUARD,
            joined_on=long_ago(),
        ),
        li=st.member_add(
            team=guards,
            actor=city.manager_a,
            name="李四海",
            category=MemberCategory.GUARD,
            joined_on=long_ago(),
        ),
        zhao=st.member_add(
            team=volunteers,
            actor=city.community,
            name="赵六顺",
            category=MemberCategory.RETIREE,
            joined_on=long_ago(),
        ),
        qian=st.member_add(
            team=officers,
            actor=city.street,
            name="钱七宝",
            category=MemberCategory.OFFICER,
            joined_on=long_ago(),
        ),
        sun=st.member_add(
            team=guards_b,
            actor=city.manager_b,
            name="孙八方",
            category=MemberCategory.GUARD,
            joined_on=long_ago(),
        ),
    )
    return SimpleNamespace(
        guards=guards, volunteers=volunteers, officers=officers, guards_b=guards_b, m=members
    )


@pytest.fixture
def teams(city):
    return make_teams(city)


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def log_patrol(team, actor, *, start_hours_ago=3, length_hours=1, compounds=None, members=()):
    started = hours_ago(start_hours_ago)
    return sp.patrol_log(
        team=team,
        actor=actor,
        started_at=started,
        ended_at=started + datetime.timedelta(hours=length_hours),
        compounds=compounds if compounds is not None else list(team.compounds.all()),
        members=members,
    )
