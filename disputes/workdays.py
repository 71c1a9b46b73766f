"""Working days of mainland China: weekends off, public holidays off, make-up days (调休) worked.

``add_working_days`` is the one place a deadline is counted. The exceptions come from the
editable ``CalendarDay`` table; a year the table does not know falls back to plain weekends
(``unknown_years`` tells which, so bureau staff can be warned).
"""

import datetime

from disputes.models import CalendarDay, DayKind

# Enough room for the longest run of holidays (Spring Festival: 9 days) in any span.
_SLACK_DAYS = 30


def _exceptions(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
    return dict(rows)


def is_working_day(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind is not None:
        return kind == DayKind.WORKDAY
    return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (``start`` itself is not counted). One query."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # Weekends alone at most double the span; holidays add at most a few weeks a year.
    last = start + datetime.timedelta(days=n * 2 + _SLACK_DAYS * (n // 200 + 1))
    exceptions = _exceptions(start, last)
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if day > last:  # an unusual table (many holidays): widen once and go on
            last = day + datetime.timedelta(days=n * 2 + _SLACK_DAYS)
            exceptions = _exceptions(day, last)
        if is_working_day(day, exceptions):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    days = (end - start).days
    return sum(
        is_working_day(start + datetime.timedelta(days=i), exceptions) for i in range(1, days + 1)
    )


def known_years() -> set[int]:
    return {d.year for d in CalendarDay.objects.dates("date", "year")}


def unknown_years(first: datetime.date, last: datetime.date) -> list[int]:
    """Years between two dates that the holiday table has no entries for."""
    known = known_years()
    return [year for year in range(first.year, last.year + 1) if year not in known]
