# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The scoped, read-only admin of patrol teams and logs."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


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


def test_the_log_admin_filters_by_the_month_a_patrol_started(client, city, teams):
    """The months offered are those of the user's logs, newest first, kept until a log
    changes; a month narrows the list to logs started in it (local time); a value that is not
    a month is refused, not a 500."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 2, 0, tzinfo=TZ), tick=False):
        november = log_patrol(teams.guards, city.manager_a, start_hours_ago=4)  # Nov 30 22:00
        december = log_patrol(teams.guards, city.manager_a, start_hours_ago=2)  # Dec 1 00:00
        log_patrol(teams.guards_b, city.manager_b, start_hours_ago=2)  # another company's
        client.force_login(city.manager_a)
        changelist = reverse("admin:patrols_patrollog_changelist")
        distinct = []
        for _view in range(2):
            with CaptureQueriesContext(connection) as queries:
                page = client.get(changelist)
            months = page.context["cl"].filter_specs[0].lookup_choices
            assert months == [("2026-12", "2026-12"), ("2026-11", "2026-11")]
            distinct.append(sum("DISTINCT" in q["sql"] for q in queries.captured_queries))
        assert distinct == [1, 0]
        for month, log in (("2026-11", november), ("2026-12", december)):
            shown = client.get(changelist, {"month": month}).context["cl"].result_list
            assert [row.pk for row in shown] == [log.pk]
        assert client.get(changelist, {"month": "２０２６-１１"}).status_code == 302  # refused
