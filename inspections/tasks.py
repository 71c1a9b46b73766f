"""Scheduled jobs of the inspections app: each takes plain values and calls one service."""

import datetime

from celery import shared_task
from django.utils import timezone

from inspections.periods import month_start, previous_month
from inspections.services import key_management_apply_rule, self_checks_open_month
from inspections.services.hazards import hazards_notify_overdue


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="inspections.open_monthly_self_checks")
def open_monthly_self_checks(day: str | None = None) -> int:
    """On the first of the month: a draft self-check for every company-run compound."""
    return self_checks_open_month(period=month_start(_day(day)))


@shared_task(name="inspections.apply_key_management")
def apply_key_management(day: str | None = None) -> dict:
    """After the month's reviews: apply the key-management rule to last month's results."""
    today = _day(day)
    return key_management_apply_rule(period=previous_month(month_start(today)), today=today)


@shared_task(name="inspections.notify_overdue_hazards")
def notify_overdue_hazards(day: str | None = None) -> int:
    return hazards_notify_overdue(today=_day(day))


@shared_task(name="inspections.remind_self_checks")
def remind_self_checks(day: str | None = None) -> int:
    """Daily: remind companies of this month's self-check when due soon, then when overdue."""
    from inspections.services.reminders import self_checks_remind

    return self_checks_remind(today=_day(day))
