# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""The patrol log list at a province's size (issue 14): its cards' counts read for the page's
rows only, its order newest first page by page, its figures kept per scope and filter until a
log changes, its community filter street by street."""

import pytest
from django.urls import reverse

from communities.paginators import EstimatedCountPaginator
from patrols import services_patrols as sp
from patrols.team_forms import TEAM_NEEDS_PLACE
from tests.patrols.team_fixtures import log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def listed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("patrols:patrol_list"), query)
    assert response.status_code == 200
    return response.context


def test_each_card_counts_the_findings_the_reader_sees_and_the_members_present(client, city, teams):
    c = city.compounds
    log = log_patrol(teams.officers, city.street, members=[teams.m.qian])
    sp.finding_add(log=log, actor=city.street, compound=c["A1"], description="路灯不亮")
    sp.finding_add(
        log=log, actor=city.street, compound=c["B2"], description="消防通道堵塞", raise_hazard=True
    )
    street = listed(client, city.street)["logs"][0]
    assert (street.finding_count, street.hazard_count, street.member_count) == (2, 1, 1)
    # company B sees the log through B2, and only what was found there
    company_b = listed(client, city.manager_b)["logs"][0]
    assert (company_b.finding_count, company_b.hazard_count) == (1, 1)


def test_a_card_without_findings_or_members_counts_nought(client, city, teams):
    log_patrol(teams.guards, city.manager_a)
    card = listed(client, city.manager_a)["logs"][0]
    assert (card.finding_count, card.hazard_count, card.member_count) == (0, 0, 0)


def test_the_list_pages_newest_first_without_counting_a_long_list_to_the_end(
    client, city, teams, monkeypatch
):
    monkeypatch.setattr("patrols.views.patrol_logs.LOG_PAGE_SIZE", 2)
    logs = [log_patrol(teams.guards, city.manager_a, start_hours_ago=h) for h in (9, 3, 7, 5, 1)]
    newest_first = [log.pk for log in sorted(logs, key=lambda log: log.started_at, reverse=True)]
    first = listed(client, city.manager_a)
    assert isinstance(first["page"].paginator, EstimatedCountPaginator)
    pages = [[log.pk for log in first["logs"]]]
    pages += [[log.pk for log in listed(client, city.manager_a, page=n)["logs"]] for n in (2, 3)]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]


def test_the_figures_kept_show_a_new_log_at_the_next_view(client, city, teams):
    log_patrol(teams.guards, city.manager_a)
    assert listed(client, city.street)["figures"]["logs"] == 1
    assert listed(client, city.street)["figures"]["logs"] == 1  # kept
    log_patrol(teams.officers, city.street, start_hours_ago=6)
    assert listed(client, city.street)["figures"]["logs"] == 2


def test_the_lists_length_is_the_figures_count_of_every_listed_log(client, city, teams):
    """The page count comes with the kept figures (no COUNT of the list): every listed log,
    a patrol under way included, per filter, and a new log at the next view."""
    log_patrol(teams.guards, city.manager_a)
    log_patrol(teams.officers, city.street, start_hours_ago=6)
    sp.patrol_start(
        team=teams.volunteers, actor=city.community, compounds=[city.compounds["A1"]], members=[]
    )
    context = listed(client, city.street)
    assert context["page"].paginator.count == context["listed"] == 3
    assert context["figures"]["logs"] == 2  # the one under way has no length yet
    assert len(context["logs"]) == 3
    assert listed(client, city.street, kind="officers")["page"].paginator.count == 1
    assert listed(client, city.street, open="1")["page"].paginator.count == 1
    log_patrol(teams.officers, city.street, start_hours_ago=9)
    assert listed(client, city.street)["page"].paginator.count == 4


def test_the_figures_are_kept_per_filter_and_scope(client, city, teams):
    log_patrol(teams.guards, city.manager_a)
    log_patrol(teams.officers, city.street, start_hours_ago=6)
    assert listed(client, city.street)["figures"]["logs"] == 2
    assert listed(client, city.street, kind="officers")["figures"]["logs"] == 1
    assert listed(client, city.manager_b)["figures"]["logs"] == 1  # the officers' (B2) only
    assert listed(client, city.street)["figures"]["logs"] == 2


def test_the_community_filter_waits_for_a_street_when_communities_are_many(
    client, city, teams, monkeypatch
):
    monkeypatch.setattr("communities.selectors.COMMUNITY_CHOICES_MAX", 1)
    log_patrol(teams.volunteers, city.community)  # A1 and N1
    form = listed(client, city.bureau)["filter_form"]
    assert [value for value, _label in form.fields["community"].choices] == [""]
    street = city.compounds["A1"].community.street
    form = listed(client, city.bureau, street=street.pk)["filter_form"]
    offered = {value for value, _label in form.fields["community"].choices}
    assert city.compounds["A1"].community_id in offered
    # a link naming a community still filters without its street
    community = city.compounds["N1"].community
    context = listed(client, city.bureau, community=community.pk)
    assert context["filters"].community_id == community.pk
    assert context["figures"]["logs"] == 1


def test_a_team_card_counts_its_active_members_and_shows_a_patrol_under_way(client, city, teams):
    from patrols import services_teams as st

    st.member_leave(actor=city.manager_a, member=teams.m.li)
    sp.patrol_start(
        team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]], members=[]
    )
    client.force_login(city.manager_a)
    response = client.get(reverse("patrols:team_list"))
    cards = {team.name: team for team in response.context["teams"]}
    guards = cards[teams.guards.name]
    assert (guards.member_count, guards.open_count) == (1, 1)
    assert cards[teams.officers.name].open_count == 0


def test_the_missed_page_shows_the_windows_a_page_at_a_time_and_counts_them_all(
    client, city, teams, monkeypatch
):
    import datetime

    from django.utils import timezone

    from patrols import services_teams as st
    from patrols.missed import patrols_due
    from patrols.models import PatrolPlanSlot, PatrolTeam
    from patrols.services_patrols import patrol_log

    monkeypatch.setattr("patrols.views.patrol_logs.DUE_PAGE_SIZE", 3)
    st.plan_slot_set(
        team=teams.guards,
        actor=city.manager_a,
        windows=[(d, datetime.time(0, 0), datetime.time(0, 30)) for d in range(7)],
    )
    PatrolPlanSlot.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    kept_at = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(0, 5)))
    patrol_log(  # yesterday's window kept
        team=teams.guards,
        actor=city.manager_a,
        started_at=kept_at,
        ended_at=kept_at + datetime.timedelta(minutes=20),
        compounds=list(teams.guards.compounds.all()),
    )
    client.force_login(city.manager_a)
    url = reverse("patrols:patrol_missed")
    first = client.get(url, {"days": 7}).context
    assert first["window_count"] == 7 and first["missed_count"] + first["kept_count"] <= 7
    # "missed only" lists the missed windows; the summary still counts the period's kept ones
    only = client.get(url, {"days": 7, "missed": "1"}).context
    assert only["window_count"] == first["missed_count"] > 0
    assert only["kept_count"] == first["kept_count"] == 1
    assert all(d.missed for d in only["page"].object_list)
    shown = [
        (d.day, d.slot.pk)
        for n in (1, 2, 3)
        for d in client.get(url, {"days": 7, "page": n}).context["page"].object_list
    ]
    today = timezone.localdate()
    every = patrols_due(
        PatrolTeam.objects.filter(pk=teams.guards.pk), today - datetime.timedelta(days=6), today
    )
    assert shown == [(d.day, d.slot.pk) for d in every]  # each window once, newest first
    assert [len(client.get(url, {"days": 7, "page": n}).context["page"]) for n in (1, 3)] == [3, 1]


def missed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("patrols:patrol_missed"), query)
    assert response.status_code == 200
    return response.context


def offered_teams(context) -> set:
    return {value for value, _label in context["filter_form"].fields["team"].choices} - {""}


def test_the_missed_page_offers_every_team_while_they_are_few(client, city, teams):
    context = missed(client, city.bureau)
    assert offered_teams(context) == {
        teams.guards.pk,
        teams.volunteers.pk,
        teams.officers.pk,
        teams.guards_b.pk,
    }
    assert not context["filter_form"].fields["team"].help_text


def test_past_the_limit_the_missed_page_offers_the_teams_of_the_chosen_place(
    client, city, teams, monkeypatch
):
    monkeypatch.setattr("patrols.team_selectors.TEAM_CHOICES_MAX", 1)
    context = missed(client, city.bureau)
    assert offered_teams(context) == set()
    assert context["filter_form"].fields["team"].help_text == TEAM_NEEDS_PLACE
    html = client.get(reverse("patrols:patrol_missed")).content.decode()
    assert teams.guards.name not in html.split('name="team"')[1].split("</select>")[0]
    # B1 has one team: it is offered
    context = missed(client, city.bureau, compound=city.compounds["B1"].pk)
    assert offered_teams(context) == {teams.guards_b.pk}
    # a link naming a team keeps working: the team alone, its windows alone
    context = missed(client, city.bureau, team=teams.volunteers.pk)
    assert offered_teams(context) == {teams.volunteers.pk}
    assert context["filter_form"].cleaned_data["team"] == teams.volunteers.pk


def test_a_place_narrows_the_missed_windows_to_the_teams_covering_it(client, city, teams):
    import datetime

    from django.utils import timezone

    from patrols import services_teams as st
    from patrols.models import PatrolPlanSlot

    for team, actor in ((teams.guards, city.manager_a), (teams.guards_b, city.manager_b)):
        st.plan_slot_set(
            team=team, actor=actor, windows=[(0, datetime.time(1, 0), datetime.time(2, 0))]
        )
    PatrolPlanSlot.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    everywhere = missed(client, city.bureau, days=30)
    everyone = {d.team.pk for d in everywhere["page"].object_list}
    assert everyone == {teams.guards.pk, teams.guards_b.pk}
    in_b1 = missed(client, city.bureau, days=30, compound=city.compounds["B1"].pk)
    assert {d.team.pk for d in in_b1["page"].object_list} == {teams.guards_b.pk}
    html = client.get(reverse("patrols:patrol_missed"), {"compound": city.compounds["B1"].pk})
    assert "乙物业保安队" in html.content.decode() and "乙物业公司" in html.content.decode()
    assert in_b1["missed_count"] + in_b1["kept_count"] <= in_b1["window_count"]
    street2 = city.streets[1]
    in_street2 = missed(client, city.bureau, days=30, street=street2.pk)
    assert {d.team.pk for d in in_street2["page"].object_list} == {teams.guards_b.pk}
    # another area's street filters nothing and is reported
    refused = missed(client, city.street, days=30, street=street2.pk)
    assert refused["refused_filters"]
