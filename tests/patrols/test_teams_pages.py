# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The team and patrol pages: what each role reaches (404 outside the scope, 403 to change a
team another organisation runs), the masking of members' names and phones, and the forms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard, HazardSource
from patrols.models import PatrolLog, PatrolPlanSlot, PatrolTeam, TeamMember
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db

FULL_NAME, MASKED_NAME = "张三丰", "张**"
FULL_PHONE, MASKED_PHONE = "13812345678", "138****5678"


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"patrols:{name}", args=args), query)


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("manager_a", True),  # the company runs the team
        ("viewer_a", True),  # a viewer of the same company
        ("street", True),  # holds patrols.view_member_data
        ("community", True),  # holds it too
        ("bureau", True),
    ],
)
def test_the_team_page_shows_members_in_full_to_its_organisation_and_to_data_roles(
    client, city, teams, who, full
):
    text = page(client, getattr(city, who), "team_detail", teams.guards.pk).content.decode()
    assert (FULL_NAME in text) is full
    assert (FULL_PHONE in text) is full


def test_a_company_seeing_a_team_through_a_covered_compound_sees_members_masked(
    client, city, teams
):
    # The street's officers cover B2, which company B runs.
    response = page(client, city.manager_b, "team_detail", teams.officers.pk)
    text = response.content.decode()
    assert response.status_code == 200
    assert "钱七宝" not in text and "钱**" in text


@pytest.mark.parametrize("name", ["team_detail", "team_edit", "team_plan", "team_member_add"])
def test_a_team_outside_the_scope_is_a_404_like_a_missing_one(client, city, teams, name):
    assert page(client, city.manager_b, name, teams.guards.pk).status_code == 404
    assert page(client, city.manager_b, name, 2_000_000).status_code == 404


def test_a_role_that_only_sees_a_team_cannot_change_it(client, city, teams):
    for name in ("team_edit", "team_plan", "team_member_add", "patrol_log_new", "patrol_start"):
        assert page(client, city.manager_b, name, teams.officers.pk).status_code == 403


def test_nobody_gets_403_everywhere(client, city, teams):
    assert page(client, city.nobody, "team_list").status_code == 403
    assert page(client, city.nobody, "patrol_list").status_code == 403


def test_the_team_list_shows_what_the_role_sees(client, city, teams):
    listed = {
        who: {t.name for t in page(client, getattr(city, who), "team_list").context["teams"]}
        for who in ("manager_a", "manager_b", "community", "street", "bureau")
    }
    assert listed["manager_a"] == {"甲物业保安队", "幸福社区义务联防队", "和平街道专职治安队"}
    assert listed["manager_b"] == {"乙物业保安队", "和平街道专职治安队"}
    assert listed["community"] == {"甲物业保安队", "幸福社区义务联防队", "和平街道专职治安队"}
    assert "乙物业保安队" not in listed["street"]
    assert len(listed["bureau"]) == 4


def test_the_list_filters_by_team_kind_and_compound(client, city, teams):
    response = page(client, city.bureau, "team_list", kind="volunteers")
    assert [t.name for t in response.context["teams"]] == ["幸福社区义务联防队"]
    response = page(client, city.bureau, "team_list", compound=city.compounds["B1"].pk)
    assert [t.name for t in response.context["teams"]] == ["乙物业保安队"]


def test_a_manager_creates_a_team_adds_a_member_and_plans(client, city):
    client.force_login(city.manager_a)
    response = client.post(
        reverse("patrols:team_create"),
        {
            "organisation": city.org.company_a.pk,
            "kind": "guards",
            "name": "夜巡队",
            "compounds": [city.compounds["A1"].pk],
        },
    )
    team = PatrolTeam.objects.get(name="夜巡队")
    assert response.status_code == 302
    client.post(
        reverse("patrols:team_member_add", args=[team.pk]),
        {"name": "陈一", "category": "guard", "phone": ""},
    )
    assert TeamMember.objects.get(team=team).name == "陈一"
    plan = {
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-0-weekday": "0",
        "plan-0-starts": "20:00",
        "plan-0-ends": "22:00",
        "plan-1-weekday": "",
        "plan-2-weekday": "",
    }
    response = client.post(reverse("patrols:team_plan", args=[team.pk]), plan)
    assert response.status_code == 302
    assert PatrolPlanSlot.objects.filter(team=team).count() == 1


def test_a_team_for_a_compound_outside_the_company_is_refused_on_the_form(client, city):
    client.force_login(city.manager_a)
    response = client.post(
        reverse("patrols:team_create"),
        {"organisation": city.org.company_a.pk, "kind": "guards", "name": "越界队",
         "compounds": [city.compounds["B1"].pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert not PatrolTeam.objects.filter(name="越界队").exists()


def _log_form(team, **extra):
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "started_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": now.strftime("%Y-%m-%dT%H:%M"),
        "compounds": [c.pk for c in team.compounds.all()],
        "members": [m.pk for m in team.members.all()],
        **extra,
    }


def test_log_a_patrol_with_a_finding_that_raises_a_hazard(client, city, teams):
    client.force_login(city.manager_a)
    form = page(client, city.manager_a, "patrol_log_new", teams.guards.pk).context["form"]
    assert {c.pk for c in form.initial["compounds"]} == {
        city.compounds["A1"].pk,
        city.compounds["A2"].pk,
    }
    response = client.post(
        reverse("patrols:patrol_log_new", args=[teams.guards.pk]),
        _log_form(
            teams.guards,
            finding="东门道闸损坏",
            finding_compound=city.compounds["A1"].pk,
            raise_hazard="on",
            category="public_order",
            severity="medium",
        ),
    )
    log = PatrolLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patrols:patrol_detail", args=[log.pk])
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.PATROL
    detail = client.get(response["Location"]).content.decode()
    assert reverse("inspections:hazard_detail", args=[hazard.pk]) in detail
    hazards = client.get(reverse("inspections:hazard_list")).content.decode()
    assert "东门道闸损坏" in hazards


def test_a_refused_log_keeps_what_was_typed_and_writes_nothing(client, city, teams):
    client.force_login(city.manager_a)
    data = _log_form(teams.guards, finding="井盖缺失", raise_hazard="on")
    data["ended_at"] = data["started_at"]
    response = client.post(reverse("patrols:patrol_log_new", args=[teams.guards.pk]), data)
    assert response.status_code == 200
    assert "井盖缺失" in response.content.decode()
    assert not PatrolLog.objects.exists() and not Hazard.objects.exists()


def test_start_and_end_a_patrol_on_the_pages(client, city, teams):
    client.force_login(city.manager_a)
    response = client.post(
        reverse("patrols:patrol_start", args=[teams.guards.pk]),
        {"compounds": [city.compounds["A1"].pk], "members": [teams.m.zhang.pk]},
    )
    log = PatrolLog.objects.get()
    assert log.is_open and response.status_code == 302
    client.post(reverse("patrols:patrol_end", args=[log.pk]), {"route": "巡查一圈"})
    log.refresh_from_db()
    assert log.ended_at is not None and log.route == "巡查一圈"


def test_the_log_list_shows_the_figures_of_the_logs_listed(client, city, teams):
    log_patrol(teams.guards, city.manager_a, members=[teams.m.zhang])
    log_patrol(teams.officers, city.street, length_hours=2)
    figures = page(client, city.street, "patrol_list").context["figures"]
    assert figures["logs"] == 2
    assert str(figures["hours"]) == "3.0"
    figures = page(client, city.manager_b, "patrol_list").context["figures"]
    assert figures["logs"] == 1  # only the officers' (B2)
    assert page(client, city.manager_b, "patrol_detail", PatrolLog.objects.filter(
        team=teams.guards).get().pk).status_code == 404  # fmt: skip


def test_the_missed_page_lists_the_plan_of_the_teams_seen(client, city, teams):
    from patrols import services_teams as st

    st.plan_slot_set(
        team=teams.guards,
        actor=city.manager_a,
        windows=[(d, datetime.time(0, 0), datetime.time(0, 30)) for d in range(7)],
    )
    PatrolPlanSlot.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    response = page(client, city.manager_a, "patrol_missed", days=7)
    assert response.status_code == 200
    assert response.context["window_count"] == 7 == len(response.context["page"].object_list)
    other = page(client, city.manager_b, "patrol_missed", days=7).context
    assert other["window_count"] == 0 and other["page"].object_list == []


def test_the_log_list_breaks_the_figures_down_by_place_and_month(client, city, teams):
    log_patrol(teams.guards, city.manager_a, length_hours=2)
    log_patrol(teams.officers, city.street)
    context = page(client, city.street, "patrol_list").context
    assert context["breakdown_level"] == "community"
    rows = {name: f["logs"] for name, f in context["by_place"]}
    # the officers' log covers A1 (community 1) and B2 (community 2): once in each
    assert rows == {"幸福社区": 2, "团结社区": 1}
    assert sum(f["logs"] for _month, f in context["by_month"]) == 2
    by_compound = page(client, city.street, "patrol_list", by="compound").context["by_place"]
    assert {n: f["logs"] for n, f in by_compound}["甲一小区"] == 2
    assert page(client, city.bureau, "patrol_list").context["breakdown_level"] == "street"


def test_a_data_role_states_a_reason_first_but_a_company_sees_its_own_guards(
    client, city, teams, settings
):
    settings.PERSONAL_DATA_REASON_REQUIRED = True
    street = page(client, city.street, "team_detail", teams.guards.pk).content.decode()
    assert FULL_NAME not in street and MASKED_NAME in street
    assert 'data-testid="personal-data-gate"' in street
    own = page(client, city.manager_a, "team_detail", teams.guards.pk).content.decode()
    assert FULL_NAME in own and 'data-testid="personal-data-gate"' not in own
