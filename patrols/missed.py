"""Patrols due and missed: a team's weekly plan makes a patrol due in each window on its day;
it is **kept** when a log of the team starts inside the window (or up to
``PATROL_PLAN_GRACE_MINUTES`` before it), **missed** when the window has ended without one, and
still **due** while the window lies ahead or is under way.

A window counts from the day its plan row was made (a new plan does not make the past missed)
and only for an active team. ``patrols_due`` answers for any set of teams the caller has
scoped, in three queries whatever the number of teams and days. The daily job
(``missed_patrols_notify``) tells the team's organisation of yesterday's missed patrols, once
per window (the notices' dedup key is the team, the window and the day).
"""

from __future__ import annotations

import bisect
import datetime
import functools
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, F, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from communities.acting import members_acting_in
from communities.notifications import notify
from patrols import team_notices as N
from patrols.models import PatrolLog, PatrolPlanSlot, PatrolTeam
from patrols.models.patrols import Weekday
from patrols.patrol_bounds import grace

KEPT, MISSED, DUE = "kept", "missed", "due"


class TeamRow(NamedTuple):
    """What a window needs of its team (a province's bureau sees 2,000)."""

    pk: int
    name: str
    organisation_id: int
    organisation_name: str


class SlotRow(NamedTuple):
    """What a window needs of its plan row (14,000 a week for a province's teams)."""

    pk: int
    weekday: int
    starts: datetime.time
    ends: datetime.time

    def get_weekday_display(self) -> str:
        return str(Weekday(self.weekday).label)


class LogRow(NamedTuple):
    """The log that kept a window."""

    pk: int
    started_at: datetime.datetime


class Window(NamedTuple):
    """A planned window and the log that kept it (or None), while ``planned_windows`` builds
    them."""

    team: TeamRow
    slot: SlotRow
    day: datetime.date
    starts: datetime.datetime
    ends: datetime.datetime
    log: LogRow | None


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
NO_LOG = 0


def _micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _moment(micros: int) -> datetime.datetime:
    return timezone.localtime(EPOCH + micros * MICROSECOND)


class WindowTable:
    """The planned windows, newest first, as columns of numbers beside their teams: what the
    page keeps in the cache and reads back at each view. A week's 14,034 windows of a province
    as named tuples were 1.15 MB and took 0.12 s to unpickle; as arrays the cost is the teams'
    rows alone. A window's day, weekday and times are its start's and end's local ones, so only
    the plan row's id is kept; a row is made whole (``patrol``) for the page's 50 only."""

    def __init__(self, teams: list[TeamRow], windows: list[Window]):
        index = {team.pk: n for n, team in enumerate(teams)}
        self.teams = teams
        self.team = array("l", (index[w.team.pk] for w in windows))
        self.slot = array("q", (w.slot.pk for w in windows))
        self.starts = array("q", (_micros(w.starts) for w in windows))
        self.ends = array("q", (_micros(w.ends) for w in windows))
        self.log = array("q", (w.log.pk if w.log else NO_LOG for w in windows))
        self.log_started = array("q", (_micros(w.log.started_at) if w.log else 0 for w in windows))

    def __len__(self) -> int:
        return len(self.starts)

    def kept_count(self) -> int:
        return len(self.log) - self.log.count(NO_LOG)

    def missed(self, now: datetime.datetime) -> list[int]:
        """The windows (their places in the table) that have ended by ``now`` without a log."""
        until = _micros(now)
        ends, log = self.ends, self.log
        return [n for n in range(len(ends)) if log[n] == NO_LOG and ends[n] < until]

    def patrol(self, n: int, now: datetime.datetime) -> DuePatrol:
        """The ``n``-th window with its state at ``now``."""
        starts, ends = _moment(self.starts[n]), _moment(self.ends[n])
        slot = SlotRow(self.slot[n], starts.weekday(), starts.time(), ends.time())
        log = LogRow(self.log[n], _moment(self.log_started[n])) if self.log[n] else None
        window = Window(self.teams[self.team[n]], slot, starts.date(), starts, ends, log)
        return DuePatrol(*window, _state(window, now))


@dataclass(slots=True)
class DuePatrol:
    """A window with its state at the time it is looked at (``with_states``)."""

    team: TeamRow
    slot: SlotRow
    day: datetime.date
    starts: datetime.datetime
    ends: datetime.datetime
    log: LogRow | None
    state: str

    @property
    def missed(self) -> bool:
        return self.state == MISSED

    @property
    def kept(self) -> bool:
        return self.state == KEPT

    @property
    def dedup_key(self) -> str:
        return f"patrol_missed:{self.team.pk}:{self.slot.pk}:{self.day.isoformat()}"


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _plans(team_ids: QuerySet, first: datetime.date) -> dict[int, list]:
    """Each weekday's windows of the teams, with the local day each was planned (None when
    before ``first``: most plans are older than the period, and reading their timestamps was a
    third of the time): a day looks at its own weekday's windows only."""
    by_weekday: dict[int, list] = defaultdict(list)
    since = _at(first, datetime.time.min)
    recent = Case(When(created_at__gte=since, then=F("created_at")), default=None)
    slots = (
        PatrolPlanSlot.objects.filter(team_id__in=team_ids)
        .annotate(recent=recent)
        .values_list("pk", "team_id", "weekday", "starts", "ends", "recent")
    )
    times: dict[datetime.time, datetime.time] = {}  # one object per time: the cache's copy
    for pk, team_id, weekday, starts, ends, created_at in slots.order_by():
        planned = timezone.localtime(created_at).date() if created_at else None
        starts, ends = times.setdefault(starts, starts), times.setdefault(ends, ends)
        by_weekday[weekday].append((team_id, SlotRow(pk, weekday, starts, ends), planned))
    return by_weekday


class _Starts:
    """A team's logs in the period by start, to find the first starting in a window."""

    def __init__(self):
        self.logs: list[LogRow] = []
        self.times: list[datetime.datetime] = []

    def first_between(self, since, until) -> LogRow | None:
        i = bisect.bisect_left(self.times, since)
        return self.logs[i] if i < len(self.times) and self.times[i] <= until else None


def _log_starts(team_ids: QuerySet, since, until) -> dict[int, _Starts]:
    starts: dict[int, _Starts] = defaultdict(_Starts)
    logs = PatrolLog.objects.filter(
        team_id__in=team_ids, started_at__gte=since, started_at__lt=until
    ).values_list("team_id", "pk", "started_at")
    for team_id, pk, started_at in logs.order_by("started_at"):
        team = starts[team_id]
        team.logs.append(LogRow(pk, started_at))
        team.times.append(started_at)
    return starts


def _window(day: datetime.date, starts: datetime.time, ends: datetime.time) -> tuple:
    """A window's start and end (a night window ends the next morning)."""
    overnight = ends <= starts
    return _at(day, starts), _at(day + datetime.timedelta(days=overnight), ends)


def patrols_due(
    teams: QuerySet[PatrolTeam],
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime | None = None,
) -> list[DuePatrol]:
    """Every planned window from ``first`` to ``last`` (local days, both included) of the
    active teams given, each kept, missed or still due; newest first. Three queries."""
    return with_states(planned_windows(teams, first, last), now or timezone.now())


def _state(window: Window, now: datetime.datetime) -> str:
    if window.log is not None:
        return KEPT
    return MISSED if window.ends < now else DUE


def with_states(table: WindowTable, now: datetime.datetime) -> list[DuePatrol]:
    """The table's windows, each kept (a log), missed (ended without one) or still due at
    ``now``: windows kept in the cache stay true as time passes."""
    return [table.patrol(n, now) for n in range(len(table))]


def planned_windows(
    teams: QuerySet[PatrolTeam], first: datetime.date, last: datetime.date
) -> WindowTable:
    """The planned windows from ``first`` to ``last`` of the active teams given, each with the
    log that kept it (or None), newest first, without their states. Three queries, read as
    plain rows (model instances for a province's 14,000 windows and 12,000 logs a week took
    most of a second)."""
    active = teams.filter(active=True).order_by()
    fields = ("pk", "name", "organisation_id", "organisation__name")
    rows = {row[0]: TeamRow(*row) for row in active.values_list(*fields)}
    if not rows:
        return WindowTable([], [])
    team_ids = active.values("pk")
    since = _at(first, datetime.time.min) - grace()
    until = _at(last + datetime.timedelta(days=2), datetime.time.min)  # night windows end then
    starts = _log_starts(team_ids, since, until)
    by_weekday = _plans(team_ids, first)
    margin = grace()
    window = functools.cache(_window)  # the teams share their windows' times
    due = []
    day = first
    while day <= last:
        for team_id, slot, planned in by_weekday[day.weekday()]:
            team = rows.get(team_id)
            if team is None or (planned is not None and planned > day):
                continue
            window_start, window_end = window(day, slot.starts, slot.ends)
            log = starts[team_id].first_between(window_start - margin, window_end)
            due.append(Window(team, slot, day, window_start, window_end, log))
        day += datetime.timedelta(days=1)
    due.sort(key=lambda d: (d.starts, d.team.name), reverse=True)
    return WindowTable(list(rows.values()), due)


@transaction.atomic
def missed_patrols_notify(*, day: datetime.date | None = None) -> int:
    """Tell the admins and staff of each team's organisation of the team's missed patrols of
    ``day`` (yesterday by default), one notice per missed window; a second run notifies
    nobody again. Returns the number of notices written."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    written = 0
    for patrol in patrols_due(PatrolTeam.objects.all(), day, day):
        if not patrol.missed:
            continue
        written += len(
            notify(
                users=members_acting_in([patrol.team.organisation_id]),
                kind=N.PATROL_MISSED,
                params={
                    "team": patrol.team.name,
                    "day": patrol.day.isoformat(),
                    "window": f"{patrol.slot.starts:%H:%M}–{patrol.slot.ends:%H:%M}",
                },
                url=reverse("patrols:patrol_missed") + f"?team={patrol.team.pk}",
                dedup_key=patrol.dedup_key,
            )
        )
    return written
