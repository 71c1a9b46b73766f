"""Reminders of the month's self-checks: "due" in the last days before the due day, "overdue"
after it. Each is sent once per check (a dedup key), however often the daily job runs."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities.acting import members_acting_in
from communities.notifications import notify
from inspections import notices as N
from inspections.models import Inspection, InspectionStatus

from .common import month_start

DUE_SOON_DAYS = 3
KIND_DUE = N.CHECK_DUE
KIND_OVERDUE = N.CHECK_OVERDUE


def self_check_due_date(period: datetime.date) -> datetime.date:
    """The day by which the month's self-check must be submitted (``INSPECTION_DUE_DAY``, or
    the month's last day in a shorter month)."""
    last_day = calendar.monthrange(period.year, period.month)[1]
    return period.replace(day=min(settings.INSPECTION_DUE_DAY, last_day))


def _stage(today: datetime.date, due: datetime.date) -> str | None:
    if today > due:
        return KIND_OVERDUE
    if today >= due - datetime.timedelta(days=DUE_SOON_DAYS):
        return KIND_DUE
    return None


def self_checks_remind(*, today: datetime.date | None = None) -> int:
    """Remind the company members of each of this month's self-checks still draft or returned.

    From ``DUE_SOON_DAYS`` days before ``settings.INSPECTION_DUE_DAY`` up to that day: "due";
    after it: "overdue". Each reminder goes to each member once. Returns how many were sent.
    """
    today = today or timezone.localdate()
    period = month_start(today)
    due = self_check_due_date(period)
    kind = _stage(today, due)
    if kind is None:
        return 0
    checks = (
        Inspection.objects.self_checks()
        .for_period(period)
        .filter(status__in=(InspectionStatus.DRAFT, InspectionStatus.RETURNED))
        .exclude(organisation=None)
        .select_related("compound", "organisation")
        .order_by("pk")
    )
    sent = 0
    for inspection in checks:
        created = notify(
            users=members_acting_in([inspection.organisation]),
            kind=kind,
            params={
                "month": f"{inspection.period:%Y-%m}",
                "compound": inspection.compound.name,
                "due": due.isoformat(),
            },
            url=reverse("inspections:inspection_detail", args=[inspection.pk]),
            # Not "check_due:<pk>": that key is the notice that the check was opened.
            dedup_key=f"{kind}_reminder:{inspection.pk}",
        )
        sent += len(created)
    return sent
