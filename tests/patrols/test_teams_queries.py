# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The query counts of the team and patrol list pages, pinned at two data sizes: they do not
grow with the teams, logs, members or compounds."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patrols import services_teams as st
from patrols.models import MemberCategory, PatrolPlanSlot, TeamKind
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db

# The compound filter reads only a chosen compound, not the scope's list (a typeahead).
PAGES = {
    "team_list": 15,  # with the page count and the audit entry of the leaders shown in full
    # its figures kept (patrols.list_figures), its length theirs; computing them reads 3 more
    # (the logs; their places, members and findings in one statement; the places' names)
    "patrol_list": 12,
    "patrol_missed": 10,  # its windows kept (computing them reads 3 more), its place filters
}


def grow(city, teams, n: int) -> None:
    """n more teams with members, a plan and logs (and the old ones log again)."""
    for i in range(n):
        team = st.team_create(
            actor=city.street,
            organisation=city.org.street,
            kind=TeamKind.OFFICERS,
            name=f"增援队{i}{n}",
            compounds=[city.compounds["A1"], city.compounds["A2"], city.compounds["B2"]],
            leader_name="刘备",
        )
        member = st.member_add(
            team=team,
            actor=city.street,
            name=f"关羽{i}",
            category=MemberCategory.OFFICER,
            joined_on=timezone.localdate() - datetime.timedelta(days=90),
        )
        st.plan_slot_set(
            team=team,
            actor=city.street,
            windows=[(d, datetime.time(1, 0), datetime.time(2, 0)) for d in range(7)],
        )
        log_patrol(team, city.street, start_hours_ago=5, members=[member])
    PatrolPlanSlot.objects.update(created_at=timezone.now() - datetime.timedelta(days=40))


def count(client, name, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"patrols:{name}"), query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_list_pages_keep_their_query_count_as_data_grows(client, city, teams, name):
    client.force_login(city.street)
    query = {"days": 30} if name == "patrol_missed" else {}
    grow(city, teams, 1)
    count(client, name, query)  # warm the session and the caches
    small = count(client, name, query)
    grow(city, teams, 4)
    count(client, name, query)  # the logs changed: the figures are read again, then kept
    large = count(client, name, query)
    assert (small, large) == (PAGES[name], PAGES[name])


def test_the_log_list_computes_its_figures_in_the_same_queries_at_any_size(client, city, teams):
    client.force_login(city.street)
    grow(city, teams, 1)
    count(client, "patrol_list", {})  # warm the session
    cache.clear()
    small = count(client, "patrol_list", {})
    grow(city, teams, 4)
    cache.clear()
    large = count(client, "patrol_list", {})
    assert (small, large) == (PAGES["patrol_list"] + 3, PAGES["patrol_list"] + 3)
