"""Months: a check's period is the first day of its month (Asia/Shanghai)."""

import datetime

from django.utils import timezone


def month_start(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)


def previous_month(period: datetime.date) -> datetime.date:
    return (period - datetime.timedelta(days=1)).replace(day=1)
