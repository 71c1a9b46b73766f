"""Scheduled jobs of the disputes app: each takes plain values and calls one service."""

import datetime

from celery import shared_task
from django.utils import timezone

from disputes.services.jobs import disputes_daily


@shared_task(name="disputes.daily_deadlines")
def daily_deadlines(day: str | None = None) -> dict:
    """Daily: auto-escalate long-overdue cases, remind of due ones, report overdue ones."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return disputes_daily(today=today)
