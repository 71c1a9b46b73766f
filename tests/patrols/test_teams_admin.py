# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The scoped, read-only admin of patrol teams and logs."""

import pytest
from django.urls import reverse

from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_only_teams_in_scope(client, city, teams):
    client.force_login(city.manager_b)
    listing = client.get(reverse("admin:patrols_patrolteam_changelist")).content.decode()
    assert "乙物业保安队" in listing and "甲物业保安队" not in listing
    own = client.get(reverse("admin:patrols_patrolteam_change", args=[teams.guards_b.pk]))
    assert own.status_code == 200 and "孙八方" in own.content.decode()
    other = client.get(reverse("admin:patrols_patrolteam_change", args=[teams.guards.pk]))
    assert other.status_code == 404


def test_the_admin_masks_members_for_a_company_seeing_a_covered_compound(client, city, teams):
    client.force_login(city.manager_b)
    page = client.get(reverse("admin:patrols_patrolteam_change", args=[teams.officers.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "钱七宝" not in text and "钱**" in text


def test_the_admin_shows_a_log_with_its_findings_and_refuses_changes(client, city, teams):
    log = log_patrol(teams.guards, city.manager_a)
    client.force_login(city.manager_a)
    page = client.get(reverse("admin:patrols_patrollog_change", args=[log.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:patrols_patrollog_add")).status_code == 403
    client.force_login(city.manager_b)
    assert client.get(reverse("admin:patrols_patrollog_change", args=[log.pk])).status_code == 404
