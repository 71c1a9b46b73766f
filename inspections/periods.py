"""Months: a check's period is the first day of its month (Asia/Shanghai)."""

import datetime

from django.utils import timezone

from communities.months import previous_month  # one definition for every app

__all__ = ["month_start", "previous_month"]


def month_start(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)
