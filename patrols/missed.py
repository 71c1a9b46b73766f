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
    """A planned window and the log that kept it (or None): what the page keeps in the cache,
    as named tuples of shared rows and times (a week's 14,034 windows of a province: 1.15 MB,
    read back in about 0.12 s)."""

    team: TeamRow
    slot: SlotRow
    day: datetime.date
    starts: datetime.datetime
    ends: datetime.datetime
    log: LogRow | None


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


def with_states(windows: list[Window], now: datetime.datetime) -> list[DuePatrol]:
    """The windows given, each kept (a log), missed (ended without one) or still due at
    ``now``: windows kept in the cache stay true as time passes."""
    return [DuePatrol(*window, _state(window, now)) for window in windows]


def planned_windows(
    teams: QuerySet[PatrolTeam], first: datetime.date, last: datetime.date
) -> list[Window]:
    """The planned windows from ``first`` to ``last`` of the active teams given, each with the
    log that kept it (or None), newest first, without their states. Three queries, read as
    plain rows (model instances for a province's 14,000 windows and 12,000 logs a week took
    most of a second)."""
    active = teams.filter(active=True).order_by()
    fields = ("pk", "name", "organisation_id", "organisation__name")
    rows = {row[0]: TeamRow(*row) for row in active.values_list(*fields)}
    if not rows:
        return []
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
    return due


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
