# ruff: noqa: F811  (the fixtures are imported from tests.patrols.team_fixtures)
"""Patrol logs: the bounds of a patrol's times, one patrol under way per team, and a finding
that raises a hazard which then follows the rectification and verification flow."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities.workflow import WorkflowError
from inspections import services as hazards
from inspections.models import HazardSource, HazardStatus
from patrols import services_patrols as sp
from patrols import team_errors as e
from patrols.models import PatrolLog
from tests.patrols.team_fixtures import hours_ago, log_patrol, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def _log(team, actor, started, ended, **extra):
    return sp.patrol_log(
        team=team,
        actor=actor,
        started_at=started,
        ended_at=ended,
        compounds=extra.pop("compounds", list(team.compounds.all())),
        **extra,
    )


def test_a_patrol_is_logged_with_its_compounds_and_members(city, teams):
    log = log_patrol(teams.guards, city.manager_a, members=[teams.m.zhang, teams.m.li])
    assert set(log.compounds.values_list("code", flat=True)) == {"A1", "A2"}
    assert log.members.count() == 2
    assert log.created_by == city.manager_a


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (2, 3, e.MSG_ENDS_BEFORE_START),  # ends an hour before it starts
        (2, 2, e.MSG_ENDS_BEFORE_START),  # ends when it starts
        (1, -1, e.MSG_IN_FUTURE),  # ends in an hour
        (30, 5, "24"),  # 25 hours
    ],
)
def test_a_log_ends_after_it_starts_not_in_the_future_and_within_24_hours(
    city, teams, start, end, message
):
    now = timezone.now()
    started, ended = (now - datetime.timedelta(hours=h) for h in (start, end))
    with pytest.raises(WorkflowError) as refused:
        _log(teams.guards, city.manager_a, started, ended)
    assert str(message) in str(refused.value)
    assert not PatrolLog.objects.exists()


def test_exactly_24_hours_is_allowed(city, teams):
    started = hours_ago(25)
    log = _log(teams.guards, city.manager_a, started, started + datetime.timedelta(hours=24))
    assert log.duration == datetime.timedelta(hours=24)


def test_the_model_refuses_the_same_times_in_clean(city, teams):
    log = PatrolLog(team=teams.guards, started_at=hours_ago(2), ended_at=hours_ago(3))
    with pytest.raises(ValidationError):
        log.full_clean()


def test_a_log_covers_only_the_teams_compounds_and_members(city, teams):
    with pytest.raises(WorkflowError):
        _log(
            teams.guards,
            city.manager_a,
            hours_ago(3),
            hours_ago(2),
            compounds=[city.compounds["N1"]],
        )
    with pytest.raises(WorkflowError):
        _log(teams.guards, city.manager_a, hours_ago(3), hours_ago(2), members=[teams.m.zhao])


def test_only_the_organisation_running_the_team_logs_its_patrols(city, teams):
    for outsider in (city.manager_b, city.viewer_a, city.community):
        with pytest.raises(WorkflowError):
            _log(teams.guards, outsider, hours_ago(3), hours_ago(2))
    # the street office is above the community committee: it may log the volunteers' patrol
    assert _log(teams.volunteers, city.street, hours_ago(3), hours_ago(2)).pk


def test_one_patrol_under_way_per_team_and_it_ends_once(city, teams):
    log = sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    assert log.is_open
    with pytest.raises(WorkflowError) as refused:
        sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    assert str(refused.value) == str(e.MSG_ALREADY_OPEN)
    with pytest.raises(WorkflowError):
        _log(teams.guards, city.manager_a, hours_ago(3), hours_ago(2))
    ended = sp.patrol_end(log=log, actor=city.manager_a, route="东门—北门")
    assert ended.ended_at is not None and ended.route == "东门—北门"
    with pytest.raises(WorkflowError) as refused:
        sp.patrol_end(log=log, actor=city.manager_a)
    assert str(refused.value) == str(e.MSG_ALREADY_ENDED)


def test_a_patrol_cannot_end_more_than_24_hours_after_it_started(city, teams):
    log = sp.patrol_start(
        team=teams.guards,
        actor=city.manager_a,
        compounds=[city.compounds["A1"]],
        started_at=hours_ago(30),
    )
    with pytest.raises(WorkflowError):
        sp.patrol_end(log=log, actor=city.manager_a)
    with pytest.raises(WorkflowError):
        sp.patrol_end(log=log, actor=city.manager_a, ended_at=hours_ago(31))
    assert sp.patrol_end(log=log, actor=city.manager_a, ended_at=hours_ago(7)).ended_at


def test_a_finding_raises_a_hazard_that_is_rectified_and_verified(city, teams, client):
    log = log_patrol(teams.guards, city.manager_a)
    finding = sp.finding_add(
        log=log,
        actor=city.manager_a,
        compound=city.compounds["A2"],
        description="3号楼消防通道被电动车堵塞",
        raise_hazard=True,
        category="fire",
    )
    hazard = finding.hazard
    assert hazard.source == HazardSource.PATROL
    assert hazard.compound == city.compounds["A2"]
    assert hazard.source_url == reverse("patrols:patrol_detail", args=[log.pk])
    assert hazard.responsible_party == city.company_a.name
    assert hazard.status == HazardStatus.OPEN

    client.force_login(city.street)
    page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk]))
    assert page.status_code == 200
    assert f'href="{hazard.source_url}"' in page.content.decode()

    hazards.hazard_start(hazard=hazard, actor=city.manager_a)
    hazards.hazard_rectify(hazard=hazard, actor=city.manager_a, note="电动车已清走")
    verified = hazards.hazard_verify(hazard=hazard, actor=city.street, note="通道畅通")
    assert verified.status == HazardStatus.VERIFIED


def test_a_finding_without_a_hazard_and_one_outside_the_patrol(city, teams):
    log = log_patrol(teams.guards, city.manager_a, compounds=[city.compounds["A1"]])
    finding = sp.finding_add(
        log=log, actor=city.manager_a, compound=city.compounds["A1"], description="路灯不亮"
    )
    assert finding.hazard is None
    with pytest.raises(WorkflowError):
        sp.finding_add(
            log=log, actor=city.manager_a, compound=city.compounds["A2"], description="路灯不亮"
        )
    with pytest.raises(WorkflowError):
        sp.finding_add(
            log=log, actor=city.manager_a, compound=city.compounds["A1"], description="  "
        )


def test_a_member_who_left_before_the_patrol_cannot_be_on_it(city, teams):
    from patrols import services_teams as st

    st.member_leave(
        member=teams.m.li,
        actor=city.manager_a,
        left_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    with pytest.raises(WorkflowError):
        log_patrol(teams.guards, city.manager_a, members=[teams.m.li])


def test_the_database_keeps_one_patrol_under_way_per_team(city, teams):
    from django.db import IntegrityError, transaction

    sp.patrol_start(team=teams.guards, actor=city.manager_a, compounds=[city.compounds["A1"]])
    with pytest.raises(IntegrityError), transaction.atomic():
        PatrolLog.objects.create(team=teams.guards, started_at=hours_ago(1))
