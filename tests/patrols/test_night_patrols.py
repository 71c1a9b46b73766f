"""A night patrol window (22:00–02:00) runs past midnight: it can be planned, it is kept by a
log starting after midnight, and it is missed — and notified once — only after it ended."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.models import Notification
from communities.workflow import WorkflowError
from patrols import services_patrols as sp
from patrols import services_teams as st
from patrols.missed import DUE, KEPT, MISSED, missed_patrols_notify, patrols_due
from patrols.models import PatrolTeam
from patrols.team_notices import PATROL_MISSED
from tests.patrols.team_fixtures import make_teams

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2026, 11, 2)
TUESDAY = MONDAY + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ), tick=False
    )


def local(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def night(city):
    with at(MONDAY, 8):
        teams = make_teams(city)
        st.plan_slot_set(
            team=teams.guards,
            actor=city.manager_a,
            windows=[(0, datetime.time(22, 0), datetime.time(2, 0))],
        )
    return teams


def states(teams, now_day, hour):
    with at(now_day, hour):
        due = patrols_due(PatrolTeam.objects.filter(pk=teams.guards.pk), MONDAY, MONDAY)
    return [(d.state, d.ends) for d in due]


def test_a_night_window_ends_the_next_morning(night):
    assert states(night, TUESDAY, 1) == [(DUE, local(TUESDAY, 2))]
    assert states(night, TUESDAY, 3) == [(MISSED, local(TUESDAY, 2))]


def test_a_log_after_midnight_keeps_the_night_window(city, night):
    with at(TUESDAY, 2):
        sp.patrol_log(
            team=night.guards,
            actor=city.manager_a,
            started_at=local(TUESDAY, 0, 30),
            ended_at=local(TUESDAY, 1, 30),
            compounds=list(night.guards.compounds.all()),
        )
    assert states(night, TUESDAY, 9) == [(KEPT, local(TUESDAY, 2))]


def test_a_missed_night_window_is_notified_once_the_day_after(night):
    with at(TUESDAY, 8, 35):
        first = missed_patrols_notify(day=MONDAY)
        second = missed_patrols_notify(day=MONDAY)
    assert first >= 1 and second == 0
    assert Notification.objects.filter(kind=PATROL_MISSED).count() == first


def test_windows_overlapping_past_midnight_and_empty_ones_are_refused(city, night):
    with pytest.raises(WorkflowError):
        st.plan_windows_check(
            [
                (0, datetime.time(22, 0), datetime.time(2, 0)),
                (0, datetime.time(23, 0), datetime.time(23, 30)),
            ]
        )
    with pytest.raises(WorkflowError):
        st.plan_windows_check([(0, datetime.time(22, 0), datetime.time(22, 0))])
