"""The bounds of a patrol's times, one definition for the services and ``PatrolLog.clean()``:
it ends after it starts, neither is in the future, and it lasts at most
``PATROL_MAX_HOURS`` (24) hours. A plan window is kept by a log starting inside it, or up to
``PATROL_PLAN_GRACE_MINUTES`` before it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from patrols import team_errors as e


def max_hours() -> int:
    return getattr(settings, "PATROL_MAX_HOURS", 24)


def grace() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "PATROL_PLAN_GRACE_MINUTES", 15))


# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = datetime.timedelta(minutes=2)


def log_times_problem(
    started_at: datetime.datetime | None,
    ended_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> str:
    """The reason the times are refused, or "" when they are fine (``ended_at`` may be None:
    an open patrol)."""
    if started_at is None:
        return ""
    now = now or timezone.now()
    if started_at > now + CLOCK_SLACK or (ended_at and ended_at > now + CLOCK_SLACK):
        return str(e.MSG_IN_FUTURE)
    if ended_at is None:
        return ""
    if ended_at <= started_at:
        return str(e.MSG_ENDS_BEFORE_START)
    if ended_at - started_at > datetime.timedelta(hours=max_hours()):
        return str(e.MSG_TOO_LONG % {"hours": max_hours()})
    return ""
