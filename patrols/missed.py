"""Patrols due and missed: a team's weekly plan makes a patrol due in each window on its day;
it is **kept** when a log of the team starts inside the window (or up to
``PATROL_PLAN_GRACE_MINUTES`` before it), **missed** when the window has ended without one, and
still **due** while the window lies ahead or is under way.

A window counts from the day its plan row was made (a new plan does not make the past missed)
and only for an active team. ``patrols_due`` answers for any set of teams the caller has
scoped, in two queries whatever the number of teams and days. The daily job
(``missed_patrols_notify``) tells the team's organisation of yesterday's missed patrols, once
per window (the notices' dedup key is the team, the window and the day).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from communities.acting import members_acting_in
from communities.notifications import notify
from patrols import team_notices as N
from patrols.models import PatrolLog, PatrolPlanSlot, PatrolTeam
from patrols.patrol_bounds import grace

KEPT, MISSED, DUE = "kept", "missed", "due"
# What a window needs of its plan row (14,000 rows a week for a province's teams).
SLOTS = PatrolPlanSlot.objects.only("pk", "team_id", "weekday", "starts", "ends", "created_at")


@dataclass
class DuePatrol:
    team: PatrolTeam
    slot: PatrolPlanSlot
    day: datetime.date
    starts: datetime.datetime
    ends: datetime.datetime
    state: str
    log: PatrolLog | None = None

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


def patrols_due(
    teams: QuerySet[PatrolTeam],
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime | None = None,
) -> list[DuePatrol]:
    """Every planned window from ``first`` to ``last`` (local days, both included) of the
    active teams given, each kept, missed or still due; newest first. Two queries."""
    now = now or timezone.now()
    teams = list(
        teams.filter(active=True)
        .select_related("organisation")
        .prefetch_related(Prefetch("plan_slots", queryset=SLOTS.order_by()))
        .order_by()
    )
    if not teams:
        return []
    since = _at(first, datetime.time.min) - grace()
    until = _at(last + datetime.timedelta(days=2), datetime.time.min)  # night windows end then
    starts: dict[int, list[PatrolLog]] = defaultdict(list)
    logs = PatrolLog.objects.filter(
        team_id__in=[t.pk for t in teams], started_at__gte=since, started_at__lt=until
    ).order_by("started_at")
    for log in logs:
        starts[log.team_id].append(log)
    # Each team's windows by weekday, with the local day each was planned: a day looks at its
    # own weekday's windows only (a province's 2,000 teams have 14,000 windows a week).
    by_weekday: dict[int, list] = defaultdict(list)
    for team in teams:
        for slot in team.plan_slots.all():
            planned = timezone.localtime(slot.created_at).date()
            by_weekday[slot.weekday].append((team, slot, planned))
    margin = grace()
    due = []
    day = first
    while day <= last:
        for team, slot, planned in by_weekday[day.weekday()]:
            if planned > day:
                continue
            overnight = slot.ends <= slot.starts  # ends the next morning
            window_start = _at(day, slot.starts)
            window_end = _at(day + datetime.timedelta(days=overnight), slot.ends)
            log = next(
                (
                    log
                    for log in starts[team.pk]
                    if window_start - margin <= log.started_at <= window_end
                ),
                None,
            )
            if log is not None:
                state = KEPT
            elif window_end < now:
                state = MISSED
            else:
                state = DUE
            due.append(DuePatrol(team, slot, day, window_start, window_end, state, log))
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
