# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The joint-defence pages' figures are kept per scope and filter (``patrols.list_figures``):
a later view reads them from the cache, a change of what they count shows at the next view,
and users of another scope never see them."""

import pytest
from django.urls import reverse

from patrols import list_figures
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def overview(client, user):
    client.force_login(user)
    response = client.get(reverse("patrols:overview"))
    assert response.status_code == 200
    return response.context


def test_the_overview_counts_a_new_patrol_at_the_next_view(client, city, teams):
    log_patrol(teams.guards, city.manager_a)
    assert overview(client, city.street)["patrols"]["logs"] == 1
    log_patrol(teams.officers, city.street, start_hours_ago=6)
    assert overview(client, city.street)["patrols"]["logs"] == 2


def test_a_later_view_reads_the_kept_figures_without_computing_them(client, city, teams):
    log_patrol(teams.guards, city.manager_a)
    calls = []

    def compute():
        calls.append(1)
        return {"logs": len(calls)}

    client.force_login(city.street)
    first = list_figures.kept(city.street, "test", ("a",), compute)
    again = list_figures.kept(city.street, "test", ("a",), compute)
    other_filter = list_figures.kept(city.street, "test", ("b",), compute)
    other_scope = list_figures.kept(city.manager_b, "test", ("a",), compute)
    assert (first, again, other_filter, other_scope) == (
        {"logs": 1},
        {"logs": 1},
        {"logs": 2},
        {"logs": 3},
    )


def test_the_figures_of_one_scope_are_not_shown_to_another(client, city, teams):
    log_patrol(teams.guards, city.manager_a)  # A1 and A2: company B sees none of it
    assert overview(client, city.street)["patrols"]["logs"] == 1
    assert overview(client, city.manager_b)["patrols"]["logs"] == 0
