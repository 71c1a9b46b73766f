"""The 群防群治 admin change lists keep their query count as the data grows (pinned at two
sizes, for a company and a street office): no query per row, masking decided in the list's
own query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patrols import services_teams as st
from patrols.models import TeamKind

from .conftest_facilities import gate
from .team_fixtures import log_patrol, make_teams

pytestmark = pytest.mark.django_db

LISTS = ["watchgroup", "patrolteam", "patrollog", "entrance", "facility"]


def grow(city, make_rooms, make_group, n: int) -> None:
    """n more of everything, in A1 (company A, street 1) and B2 (company B, street 1)."""
    for i in range(n):
        tag = f"{n}{i}"
        for code in ("A1", "B2"):
            compound = city.compounds[code]
            rows = make_rooms(compound, {(f"Q{tag}", "1"): [str(r) for r in range(101, 106)]})
            make_group(city.street, compound, rows.values())
            gate(compound, f"门{tag}")
        team = st.team_create(
            actor=city.street,
            organisation=city.org.street,
            kind=TeamKind.OFFICERS,
            name=f"增援队{tag}",
            compounds=[city.compounds["A1"], city.compounds["B2"]],
            leader_name="刘备",
            leader_phone="13912345678",
        )
        log_patrol(team, city.street, start_hours_ago=5)


def count(client, model) -> int:
    url = reverse(f"admin:patrols_{model}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["manager_a", "street"])
def test_admin_lists_keep_their_query_count(client, city, make_rooms, make_group, who):
    make_teams(city)
    grow(city, make_rooms, make_group, 1)
    client.force_login(getattr(city, who))
    for model in LISTS:
        count(client, model)  # warm the session
    small = {model: count(client, model) for model in LISTS}
    grow(city, make_rooms, make_group, 4)
    for model in LISTS:
        count(client, model)  # what is kept (the log list's months) is read again after a change
    large = {model: count(client, model) for model in LISTS}
    assert large == small


def test_a_company_sees_the_street_teams_leader_masked_in_the_admin_list(client, city):
    teams = make_teams(city)
    st.team_update(
        team=teams.officers,
        actor=city.street,
        name=teams.officers.name,
        kind=teams.officers.kind,
        compounds=list(teams.officers.compounds.all()),
        leader_name="刘备",
        leader_phone="13912345678",
    )
    client.force_login(city.manager_a)
    body = client.get(reverse("admin:patrols_patrolteam_changelist")).content.decode()
    assert "和平街道专职治安队" in body
    assert "刘备" not in body and "13912345678" not in body
    client.force_login(city.street)
    body = client.get(reverse("admin:patrols_patrolteam_changelist")).content.decode()
    assert "刘备" in body  # its own team, in full


def test_the_team_list_pages_through_every_team(client, city, settings):
    from patrols.views import teams as team_views

    make_teams(city)
    for i in range(team_views.TEAM_PAGE_SIZE):
        st.team_create(
            actor=city.street,
            organisation=city.org.street,
            kind=TeamKind.OFFICERS,
            name=f"第{i:02d}队",
            compounds=[city.compounds["A1"]],
        )
    client.force_login(city.street)
    first = client.get(reverse("patrols:team_list"))
    second = client.get(reverse("patrols:team_list"), {"page": 2})
    names = [t.name for t in first.context["teams"]] + [t.name for t in second.context["teams"]]
    # Street 1 sees its own 25 + the three make_teams teams in its area (guards A, volunteers,
    # officers): none is out of reach.
    assert len(names) == len(set(names)) == team_views.TEAM_PAGE_SIZE + 3
