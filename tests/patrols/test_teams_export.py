# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The .xlsx exports of patrol teams (with members) and patrol logs: scoped, filtered like the
list, names and phones masked unless the reader sees the team's people in full."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from patrols import services_patrols as sp
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def exported(client, user, name, query=""):
    client.force_login(user)
    response = client.post(reverse(f"patrols:{name}") + query)
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def text_of(workbook) -> str:
    return " ".join(
        str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row
    )


def test_the_team_export_holds_the_teams_seen_with_members_masked_per_team(client, city, teams):
    text = text_of(exported(client, city.manager_b, "team_export"))
    assert "乙物业保安队" in text and "孙八方" in text  # its own team, in full
    assert "和平街道专职治安队" in text and "钱**" in text and "钱七宝" not in text
    assert "甲物业保安队" not in text and "张三丰" not in text


def test_the_team_export_in_full_for_a_role_holding_member_data(client, city, teams):
    text = text_of(exported(client, city.street, "team_export"))
    assert "张三丰" in text and "13900001111" in text


def test_the_team_export_follows_the_lists_filter(client, city, teams):
    text = text_of(exported(client, city.bureau, "team_export", "?kind=volunteers"))
    assert "幸福社区义务联防队" in text and "乙物业保安队" not in text


def test_the_log_export_holds_the_logs_seen_and_their_figures(client, city, teams):
    log = log_patrol(teams.guards, city.manager_a, members=[teams.m.zhang])
    sp.finding_add(
        log=log,
        actor=city.manager_a,
        compound=city.compounds["A1"],
        description="消防栓漏水",
        raise_hazard=True,
    )
    log_patrol(teams.guards_b, city.manager_b)
    workbook = exported(client, city.manager_a, "patrol_export")
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) >= 2
    text = text_of(workbook)
    assert "消防栓漏水" in text and "张三丰" in text
    assert "乙物业保安队" not in text
    assert exported(client, city.manager_b, "patrol_export").worksheets[0].max_row >= 2
    assert "张三丰" not in text_of(exported(client, city.manager_b, "patrol_export"))


def test_a_role_without_the_export_permission_gets_403(client, city, teams):
    client.force_login(city.nobody)
    assert client.post(reverse("patrols:team_export")).status_code == 403
    assert client.post(reverse("patrols:patrol_export")).status_code == 403
