# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The patrol figures against a hand-computed fixture: a log covering two compounds counts for
each compound but once for their community, street and district; a patrol under way is not
counted; an empty scope has zeros; the queries do not grow with the compounds."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from patrols import services_patrols as sp
from patrols.models import PatrolLog
from patrols.patrol_figures import (
    COMMUNITY,
    COMPOUND,
    DISTRICT,
    STREET,
    logs_in,
    patrol_figures_by,
    patrol_totals,
)
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def fig(logs, hours, members, findings, hazards):
    return {
        "logs": logs,
        "hours": Decimal(hours),
        "members": members,
        "findings": findings,
        "hazards": hazards,
    }


@pytest.fixture
def patrolled(city, teams):
    c = city.compounds
    l1 = log_patrol(
        teams.guards, city.manager_a, length_hours=2, members=[teams.m.zhang, teams.m.li]
    )
    sp.finding_add(
        log=l1, actor=city.manager_a, compound=c["A1"], description="消防通道堵塞",
        raise_hazard=True,
    )  # fmt: skip
    sp.finding_add(log=l1, actor=city.manager_a, compound=c["A2"], description="路灯不亮")
    l2 = log_patrol(teams.officers, city.street, start_hours_ago=5, members=[teams.m.qian])
    sp.finding_add(
        log=l2, actor=city.street, compound=c["B2"], description="围墙破损", raise_hazard=True
    )
    sp.patrol_start(team=teams.volunteers, actor=city.community, compounds=[c["A1"]])
    return l1, l2


def test_figures_per_compound(city, patrolled):
    c = city.compounds
    by = patrol_figures_by(PatrolLog.objects.all(), COMPOUND)
    assert by == {
        c["A1"].pk: fig(2, "3.0", 3, 1, 1),
        c["A2"].pk: fig(1, "2.0", 2, 1, 0),
        c["B2"].pk: fig(1, "1.0", 1, 1, 1),
    }


def test_a_log_over_two_compounds_counts_once_for_their_community_street_and_district(
    city, patrolled
):
    community1, community2, _ = city.communities
    street1 = city.streets[0]
    assert patrol_figures_by(PatrolLog.objects.all(), COMMUNITY) == {
        community1.pk: fig(2, "3.0", 3, 2, 1),
        community2.pk: fig(1, "1.0", 1, 1, 1),
    }
    assert patrol_figures_by(PatrolLog.objects.all(), STREET) == {
        street1.pk: fig(2, "3.0", 3, 3, 2)
    }
    assert patrol_figures_by(PatrolLog.objects.all(), DISTRICT) == {
        city.district.pk: fig(2, "3.0", 3, 3, 2)
    }
    assert patrol_totals(PatrolLog.objects.all()) == fig(2, "3.0", 3, 3, 2)


def test_figures_per_month(city, patrolled):
    l1, l2 = patrolled
    by = patrol_figures_by(PatrolLog.objects.all(), STREET, by_month=True)
    months = {timezone.localtime(log.started_at).date().replace(day=1) for log in (l1, l2)}
    assert {month for _street, month in by} == months
    assert sum(f["logs"] for f in by.values()) == 2


def test_figures_of_a_scope(city, patrolled):
    # Company B sees only the officers' log (it covers B2).
    assert patrol_totals(PatrolLog.objects.visible_to(city.manager_b)) == fig(1, "1.0", 1, 1, 1)


def test_an_empty_scope_and_an_empty_period_have_zeros(city, patrolled):
    assert patrol_totals(PatrolLog.objects.visible_to(city.nobody)) == fig(0, "0.0", 0, 0, 0)
    assert patrol_figures_by(PatrolLog.objects.none(), STREET) == {}
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    assert patrol_totals(logs_in(PatrolLog.objects.all(), long_ago, long_ago))["logs"] == 0


def test_the_queries_do_not_grow_with_the_compounds(
    city, teams, django_assert_num_queries, settings
):
    log_patrol(teams.guards, city.manager_a)
    with django_assert_num_queries(2):  # the logs, then their places, members and findings
        patrol_figures_by(PatrolLog.objects.all(), COMPOUND)
    for n in range(3):
        log_patrol(teams.officers, city.street, start_hours_ago=10 + 3 * n)
        log_patrol(teams.volunteers, city.community, start_hours_ago=10 + 3 * n)
    assert PatrolLog.objects.count() == 7
    with django_assert_num_queries(2):  # the logs, then their places, members and findings
        patrol_figures_by(PatrolLog.objects.all(), COMPOUND)
