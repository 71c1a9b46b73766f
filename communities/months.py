"""Months for the monthly figures of every app: a month is its first day (Asia/Shanghai).

A figure function takes a month and returns a value; ``compared(fn, month)`` calls it for the
month, the month before (环比) and the same month a year before (同比)::

    rates = compared(lambda m: self_check_figures(compounds, m), month).map(lambda f: f.pass_rate)
    rates.value, rates.previous, rates.change, rates.year_change

Rates are percentages with one decimal (``percent``), or None when there is nothing to divide by.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone


def month_of(day: datetime.date) -> datetime.date:
    """The month a day falls in (its first day)."""
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    first = month_of(month)
    return (first + datetime.timedelta(days=32)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month_of(month) - datetime.timedelta(days=1)).replace(day=1)


def same_month_last_year(month: datetime.date) -> datetime.date:
    """The same month a year before (any day of the month may be given, 29 February too)."""
    first = month_of(month)
    return first.replace(year=first.year - 1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month's first and last day, both included."""
    first = month_of(month)
    return first, next_month(first) - datetime.timedelta(days=1)


def month_moments(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month as aware moments in local time: from its first midnight (included) to the
    next month's first midnight (excluded), for timestamps such as ``created_at``."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    first = month_of(month)
    return midnight(first), midnight(next_month(first))


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in %, one decimal, half up; None when whole is 0 (as disputes.figures)."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _difference(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a - b


@dataclass(frozen=True)
class Compared:
    """A figure for a month beside the month before (环比) and the same month last year (同比)."""

    value: Any
    previous: Any = None
    year_before: Any = None

    @property
    def change(self) -> Any:
        """value − previous; None when either is None."""
        return _difference(self.value, self.previous)

    @property
    def year_change(self) -> Any:
        """value − year_before; None when either is None."""
        return _difference(self.value, self.year_before)

    def map(self, fn: Callable[[Any], Any]) -> Compared:
        """The same comparison of a part of each value (a field of a figures object)."""
        return Compared(fn(self.value), fn(self.previous), fn(self.year_before))


def compared(fn: Callable[[datetime.date], Any], month: datetime.date) -> Compared:
    """``fn`` for the month, the month before and the same month last year (three calls)."""
    first = month_of(month)
    return Compared(fn(first), fn(previous_month(first)), fn(same_month_last_year(first)))
