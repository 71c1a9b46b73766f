"""Reads of dispute cases: every function starts from ``visible_to(user)``.

``cases_for_list`` is shared by the workbench list and the Excel export, so both show the same
cases for the same filters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from disputes.models import OPEN_STATUSES, DisputeCase

STATUS_OPEN = "open"  # a pseudo-status for the filter: every status not yet closed


@dataclass(frozen=True)
class CaseFilters:
    """What the case list is narrowed by; every value was checked against the offered choices."""

    status: str = ""  # a Status value, or STATUS_OPEN
    level: str = ""
    category: str = ""
    source: str = ""
    compound_id: int | None = None
    overdue: bool = False
    mine: bool = False
    query: str = ""  # part of the case number or the description
    year: int | None = None  # year registered

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.status,
                self.level,
                self.category,
                self.source,
                self.compound_id,
                self.overdue,
                self.mine,
                self.query,
                self.year,
            )
        )


def _mine_q(user) -> Q:
    """Cases I lead or handle, or that I registered (首问负责制)."""
    return Q(handler_id=user.pk) | Q(leader_id=user.pk) | Q(registered_by_id=user.pk)


def cases_for_list(
    *, user, filters: CaseFilters | None = None, today: datetime.date | None = None
) -> QuerySet[DisputeCase]:
    """The cases a user sees, filtered; open ones first by deadline, then the newest."""
    filters = filters or CaseFilters()
    today = today or timezone.localdate()
    cases = DisputeCase.objects.visible_to(user)
    if filters.status == STATUS_OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    for field in ("level", "category", "source", "compound_id"):
        value = getattr(filters, field)
        if value:
            cases = cases.filter(**{field: value})
    if filters.overdue:
        cases = cases.overdue(today)
    if filters.mine:
        cases = cases.filter(_mine_q(user))
    if filters.query:
        cases = cases.filter(
            Q(number__icontains=filters.query) | Q(description__icontains=filters.query)
        )
    if filters.year:
        cases = cases.filter(year=filters.year)
    return cases

