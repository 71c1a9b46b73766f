"""Checks every service makes: the actor's permission and scope."""

import datetime

from django.utils import timezone

from communities.workflow import require

__all__ = ["month_start", "previous_month", "require"]


def month_start(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)


def previous_month(period: datetime.date) -> datetime.date:
    return (period - datetime.timedelta(days=1)).replace(day=1)
