"""Patrols due and missed, and the daily job that tells the team's organisation of yesterday's
missed patrols: once per missed window, nothing for a window with a log, nothing twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Notification
from patrols import services_teams as st
from patrols.missed import KEPT, MISSED, missed_patrols_notify, patrols_due
from patrols.models import PatrolTeam
from patrols.team_notices import PATROL_MISSED
from tests.patrols.team_fixtures import make_teams

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2026, 11, 2)

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int = 0):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ), tick=False
    )


def local(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _t(text):
    return datetime.time.fromisoformat(text)


def notified():
    return sorted(
        Notification.objects.filter(kind=PATROL_MISSED).values_list("user__username", "dedup_key")
    )


@pytest.fixture
def planned(city):
    """On Monday morning: the guards plan Mon and Tue 20:00–22:00, the volunteers Mon 19–20."""
    with at(MONDAY, 8):
        teams = make_teams(city)
        st.plan_slot_set(
            team=teams.guards,
            actor=city.manager_a,
            windows=[(0, _t("20:00"), _t("22:00")), (1, _t("20:00"), _t("22:00"))],
        )
        st.plan_slot_set(
            team=teams.volunteers, actor=city.community, windows=[(0, _t("19:00"), _t("20:00"))]
        )
    return teams


def _log(team, actor, start, end):
    from patrols import services_patrols as sp

    return sp.patrol_log(
        team=team,
        actor=actor,
        started_at=start,
        ended_at=end,
        compounds=list(team.compounds.all()),
    )


def test_a_window_is_kept_by_a_log_starting_inside_it_or_just_before(city, planned):
    with at(MONDAY, 23):
        # 19:50 is within the 15 minutes' grace before 20:00
        _log(planned.guards, city.manager_a, local(MONDAY, 19, 50), local(MONDAY, 21))
        due = patrols_due(PatrolTeam.objects.all(), MONDAY, MONDAY)
    states = {(d.team.name, d.slot.weekday): d.state for d in due}
    assert states == {("甲物业保安队", 0): KEPT, ("幸福社区义务联防队", 0): MISSED}


def test_the_page_keeps_its_windows_but_tells_their_states_at_each_view(client, city, planned):
    """The windows are kept in the cache per scope and filters: time passing turns a due
    window missed without a change, and a new log shows at the next view."""

    reads = []

    def states():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("patrols:patrol_missed"), {"team": planned.guards.pk})
        assert response.status_code == 200
        reads.append(len(queries))
        return [(d.day, d.state) for d in response.context["page"].object_list]

    client.force_login(city.bureau)
    with at(MONDAY, 21, 58):
        assert states() == [(MONDAY, "due")]
    with at(MONDAY, 22, 1):  # the window ended three minutes later, nothing changed
        assert states() == [(MONDAY, MISSED)]
        assert reads[0] - reads[1] == 3  # the kept windows: no teams, plans or logs read
        _log(planned.guards, city.manager_a, local(MONDAY, 20, 5), local(MONDAY, 22))
        assert states() == [(MONDAY, KEPT)]
    tuesday = MONDAY + datetime.timedelta(days=1)
    with at(tuesday, 23):  # a new day: the period moves
        assert states() == [(tuesday, MISSED), (MONDAY, KEPT)]


def test_a_log_starting_before_the_grace_keeps_nothing(city, planned, settings):
    settings.PATROL_PLAN_GRACE_MINUTES = 5
    with at(MONDAY, 23):
        _log(planned.guards, city.manager_a, local(MONDAY, 19, 50), local(MONDAY, 21))
        due = patrols_due(PatrolTeam.objects.filter(pk=planned.guards.pk), MONDAY, MONDAY)
    assert [d.state for d in due] == [MISSED]


def test_a_window_ahead_is_due_and_a_plan_does_not_make_the_past_missed(city, planned):
    with at(MONDAY, 12):
        last_week = MONDAY - datetime.timedelta(days=7)
        due = patrols_due(PatrolTeam.objects.all(), last_week, MONDAY)
    assert {d.state for d in due} == {"due"}
    assert {d.day for d in due} == {MONDAY}


def test_the_job_notifies_the_organisation_once_per_missed_window(city, planned):
    with at(MONDAY, 20, 30):
        _log(planned.guards, city.manager_a, local(MONDAY, 20, 5), local(MONDAY, 20, 25))
    tuesday = MONDAY + datetime.timedelta(days=1)
    with at(tuesday, 8, 35):
        assert missed_patrols_notify() == 1
        assert missed_patrols_notify() == 0  # the job ran twice: nobody is told again
    slot = planned.volunteers.plan_slots.get()
    assert notified() == [
        ("community", f"patrol_missed:{planned.volunteers.pk}:{slot.pk}:{MONDAY}")
    ]
    notice = Notification.objects.get(kind=PATROL_MISSED)
    assert "幸福社区义务联防队" in notice.display_text
    assert notice.url.startswith(reverse("patrols:patrol_missed"))

    # Wednesday: the guards missed Tuesday's window; the company's admin is told, its viewer not
    with at(tuesday + datetime.timedelta(days=1), 8, 35):
        assert missed_patrols_notify() == 1
    users = [user for user, _key in notified()]
    assert sorted(users) == ["community", "manager_a"]


def test_an_inactive_team_misses_nothing(city, planned):
    planned.volunteers.active = False
    planned.volunteers.save()
    with at(MONDAY + datetime.timedelta(days=1), 8, 35):
        missed_patrols_notify()
    assert ("community",) not in [(u,) for u, _k in notified()]


def test_the_daily_task_is_scheduled_and_runs_the_service(city, planned, settings):
    from patrols.team_tasks import notify_missed_patrols

    entry = settings.CELERY_BEAT_SCHEDULE["patrols-missed"]
    assert entry["task"] == notify_missed_patrols.name == "patrols.notify_missed_patrols"
    with at(MONDAY + datetime.timedelta(days=1), 8, 35):
        assert notify_missed_patrols(MONDAY.isoformat()) == 2  # both teams' Monday windows
        assert notify_missed_patrols() == 0
