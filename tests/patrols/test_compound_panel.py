"""The compound page's patrols panel (patrols/team_panel.py): the active teams covering A1, its
latest patrols and the figures of the last 30 days, each part linking to its list narrowed to
A1; no leader's or member's name; only what the reader sees; nothing without the permissions;
a fixed number of queries whatever the number of teams and logs.

On tests/patrols/team_fixtures.py's teams: company A's guards (A1, A2; two members), community
1's volunteers (A1, N1; one), street 1's officers (A1, B2; one), company B's guards (B1). A1 was
patrolled 3 hours ago by the guards (1 h, through A2 too), 26 hours ago by the volunteers (2 h),
50 hours ago by the officers (1.5 h, through B2 too) and 40 days ago by the guards (2 h: outside
the figures' 30 days); B1 and B2 had patrols of their own.
"""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from communities.scoping import scope_for
from patrols.team_panel import panel_context

from .team_fixtures import log_patrol, make_teams

pytestmark = pytest.mark.django_db


@pytest.fixture
def patrolled(city):
    t = make_teams(city)
    c = city.compounds
    logs = {
        "guards": log_patrol(
            t.guards, city.manager_a, start_hours_ago=3, members=[t.m.zhang, t.m.li]
        ),
        "volunteers": log_patrol(
            t.volunteers, city.community, start_hours_ago=26, length_hours=2, compounds=[c["A1"]]
        ),
        "officers": log_patrol(
            t.officers, city.street, start_hours_ago=50, length_hours=1.5, members=[t.m.qian]
        ),
        "old": log_patrol(
            t.guards, city.manager_a, start_hours_ago=40 * 24, length_hours=2, compounds=[c["A1"]]
        ),
        "b1": log_patrol(t.guards_b, city.manager_b, start_hours_ago=5),
        "b2": log_patrol(t.officers, city.street, start_hours_ago=8, compounds=[c["B2"]]),
    }
    return t, logs


def page(client, user, code="A1"):
    client.force_login(user)
    return client.get(reverse("communities:compound_detail", args=[code]))


def section(html: str) -> str:
    found = re.search(r'<section[^>]*data-panel="patrols".*?</section>', html, re.S)
    assert found, "no patrols section"
    return found.group(0)


def test_the_panel_shows_the_teams_the_latest_patrols_and_the_last_30_days(client, city, patrolled):
    teams, logs = patrolled
    html = section(page(client, city.manager_a).content.decode())
    shown_teams = {int(pk) for pk in re.findall(r'data-team="(\d+)"', html)}
    assert shown_teams == {teams.guards.pk, teams.volunteers.pk, teams.officers.pk}
    guards_row = re.search(rf'data-team="{teams.guards.pk}".*?</li>', html, re.S).group(0)
    assert "甲物业公司" in guards_row and "<span data-members>2</span>" in guards_row
    shown_logs = [int(pk) for pk in re.findall(r'data-log="(\d+)"', html)]
    assert shown_logs == [logs[k].pk for k in ("guards", "volunteers", "officers", "old")]
    figures = dict(re.findall(r'data-figure="(patrol_\w+)">([\d.]+)<', html))
    assert figures == {"patrol_logs": "3", "patrol_hours": "4.5", "patrol_findings": "0"}


def test_each_part_links_to_its_list_narrowed_to_the_compound(client, city, patrolled):
    html = section(page(client, city.street).content.decode())
    query = urlencode({"compound": city.compounds["A1"].pk})
    assert f'href="{reverse("patrols:team_list")}?{query}"' in html
    assert f'href="{reverse("patrols:patrol_list")}?{query}"' in html
    assert reverse("patrols:patrol_detail", args=[patrolled[1]["guards"].pk]) in html


def test_no_leader_or_member_is_named(client, city, patrolled):
    html = page(client, city.manager_a).content.decode()
    for name in ("王大力", "13812345678", "赵志强", "张三丰", "李四海", "钱七宝"):
        assert name not in html


def test_another_companys_manager_gets_404(client, city, patrolled):
    assert page(client, city.manager_b).status_code == 404


def _remove(codename: str) -> None:
    Group.objects.get(name="role:company:admin").permissions.remove(
        Permission.objects.get(content_type__app_label="patrols", codename=codename)
    )


def test_a_role_without_a_permission_sees_only_the_other_part_or_no_panel(client, city, patrolled):
    _remove("view_patrollog")
    html = section(page(client, city.manager_a).content.decode())
    assert "data-team=" in html and "data-log=" not in html and "patrol_hours" not in html
    _remove("view_patrolteam")
    assert 'data-panel="patrols"' not in page(client, city.manager_a).content.decode()


def test_the_panel_reads_a_fixed_number_of_queries(city, patrolled, django_assert_num_queries):
    teams, _logs = patrolled
    request = RequestFactory().get("/")
    request.user = city.street
    request.user.has_perm("patrols.view_patrolteam")  # the page has read these already
    scope_for(request.user)
    a1 = city.compounds["A1"]
    # teams, latest logs, and the figures' two (the logs; their places, members and findings)
    with django_assert_num_queries(4):
        small = panel_context(request, a1)
    for hours in range(60, 90, 3):
        log_patrol(teams.officers, city.street, start_hours_ago=hours, members=[teams.m.qian])
    with django_assert_num_queries(4):
        large = panel_context(request, a1)
    assert (small["logs"]["figures"]["logs"], large["logs"]["figures"]["logs"]) == (3, 13)
    assert len(large["logs"]["latest"]) == 5
