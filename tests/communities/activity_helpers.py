"""Helpers of the activity tests: record activities through the service."""

import datetime

from django.utils import timezone

from communities.activities import services
from communities.models import ActivityKind


def today() -> datetime.date:
    return timezone.localdate()


def last_month(day: datetime.date | None = None) -> datetime.date:
    """A day in the month before ``day``'s (today's)."""
    return (day or today()).replace(day=1) - datetime.timedelta(days=1)


def record(actor, *, compound=None, community=None, kind=ActivityKind.LEGAL_EDUCATION, **fields):
    values = {
        "kind": kind,
        "date": today(),
        "title": "《民法典》进小区宣传",
        "participants": 30,
        "organiser": "幸福社区居委会",
    }
    values.update(fields)
    return services.activity_create(actor=actor, compound=compound, community=community, **values)
