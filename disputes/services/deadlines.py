"""Deadlines of dispute cases: the default time limit per level and category, in working days,
and the days a user may set one to."""

import datetime

from django.conf import settings

from communities.workflow import check_deadline, deadline_bounds
from disputes import errors as e
from disputes.models import level_above
from disputes.workdays import add_working_days


def time_limit(level: str, category: str) -> int:
    """Working days a case of this category gets at this level (settings decide)."""
    by_category = settings.DISPUTE_CATEGORY_TIME_LIMITS.get(category, {})
    if level in by_category:
        return int(by_category[level])
    return int(settings.DISPUTE_TIME_LIMITS[level])


def default_deadline(level: str, category: str, start: datetime.date) -> datetime.date:
    return add_working_days(start, time_limit(level, category))


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last deadline that counts as "due soon" on ``today`` (reminder window)."""
    return add_working_days(today, settings.DISPUTE_REMIND_WORKING_DAYS)


def auto_escalation_due(level: str, deadline: datetime.date, today: datetime.date) -> bool:
    """Overdue long enough at a level the settings escalate automatically."""
    after = settings.DISPUTE_AUTO_ESCALATE_AFTER.get(level)
    if not after or deadline >= today or level_above(level) is None:
        return False
    return add_working_days(deadline, int(after)) <= today


def set_deadline_bounds() -> tuple[datetime.date, datetime.date]:
    """The days a user may choose as a case's deadline today (forms show them)."""
    return deadline_bounds(max_days=settings.DISPUTE_DEADLINE_MAX_DAYS)


def set_deadline_check(deadline: datetime.date | None) -> None:
    """A deadline a user sets (accepting, moving it): not in the past, and not more than
    ``DISPUTE_DEADLINE_MAX_DAYS`` ahead (a deadline is a promise to the parties)."""
    if deadline is not None:
        check_deadline(
            deadline, max_days=settings.DISPUTE_DEADLINE_MAX_DAYS, too_early=e.MSG_DEADLINE_PAST
        )
