"""The dispute figures, each defined once: the workbench shows them, the reports reuse them.

Every function takes a queryset of cases that the caller has already scoped
(``DisputeCase.objects.visible_to(user)``) and, where it matters, narrowed to a period
(``registered_in``). Counts are of cases; rates are percentages with one decimal, or None
when there is nothing to divide by.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from communities.months import percent  # one definition for every app
from disputes.models import (
    OPEN_STATUSES,
    SATISFIED,
    Category,
    Level,
    Source,
    Status,
    overdue_q,
)


def registered_in(cases: QuerySet, first: datetime.date, last: datetime.date) -> QuerySet:
    """Cases registered between two dates, both included (local time)."""
    return cases.filter(registered_at__date__range=(first, last))


def status_counts(cases: QuerySet, today: datetime.date | None = None) -> dict:
    """One query: total, resolved (结案), of which resolved by the respondent company itself,
    closed unresolved, withdrawn, open, overdue, escalated, return visits and satisfied
    residents."""
    today = today or timezone.localdate()
    return cases.aggregate(
        total=Count("pk"),
        resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
        resolved_by_respondent=Count(
            "pk", filter=Q(status=Status.RESOLVED, resolved_by_respondent=True)
        ),
        unresolved=Count("pk", filter=Q(status=Status.CLOSED_UNRESOLVED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        escalated=Count("pk", filter=Q(escalations__gt=0)),
        visited=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)),
    )


def closure_rate(counts: dict) -> Decimal | None:
    """结案率: resolved cases out of all registered, withdrawn ones included (they were
    registered). The seed's 59 problems with 51 solved give 86.4 %; its "89" is the petition
    closure rate, a different base.

    A case the respondent property company resolved itself (回避 did not exist then; no service
    allows it now) is not counted as resolved: it stays in the total, not in the numerator."""
    return percent(counts["resolved"] - counts["resolved_by_respondent"], counts["total"])


def satisfaction_rate(counts: dict) -> Decimal | None:
    """Satisfied or very satisfied, out of the resolved cases that had a return visit."""
    return percent(counts["satisfied"], counts["visited"])


def average_days_to_resolve(cases: QuerySet) -> Decimal | None:
    """Calendar days from registration to resolution, averaged over the resolved cases the
    closure rate counts (not those the respondent company resolved itself)."""
    took = ExpressionWrapper(F("closed_at") - F("registered_at"), output_field=DurationField())
    resolved = cases.filter(
        status=Status.RESOLVED, closed_at__isnull=False, resolved_by_respondent=False
    )
    average = resolved.aggregate(avg=Avg(took))["avg"]
    if average is None:
        return None
    days = Decimal(average.total_seconds()) / Decimal(86400)
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def counts_by(cases: QuerySet, field: str, choices) -> list[tuple[str, str, int]]:
    """(value, label, count) for every choice, zero included, in the choices' order."""
    found = dict(cases.order_by().values_list(field).annotate(n=Count("pk")))
    return [(value, label, found.get(value, 0)) for value, label in choices.choices]


def dispute_figures(cases: QuerySet, today: datetime.date | None = None) -> dict:
    """All the figures of a set of cases: five queries whatever the number of cases."""
    counts = status_counts(cases, today)
    return {
        **counts,
        "closure_rate": closure_rate(counts),
        "satisfaction_rate": satisfaction_rate(counts),
        "average_days_to_resolve": average_days_to_resolve(cases),
        "by_category": counts_by(cases, "category", Category),
        "by_level": counts_by(cases, "level", Level),
        "by_source": counts_by(cases, "source", Source),
    }
