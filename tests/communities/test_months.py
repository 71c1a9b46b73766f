"""Months for the monthly figures: bounds, the month before, the same month last year, and a
figure compared with both (环比 / 同比)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from communities.months import (
    Compared,
    compared,
    month_bounds,
    month_moments,
    month_of,
    next_month,
    percent,
    previous_month,
    same_month_last_year,
)

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2026, 10, 17), D(2026, 10, 1), D(2026, 10, 31)),
        (D(2026, 2, 1), D(2026, 2, 1), D(2026, 2, 28)),
        (D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29)),
        (D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        (D(2026, 4, 30), D(2026, 4, 1), D(2026, 4, 30)),
    ],
)
def test_a_months_bounds_are_its_first_and_last_day(day, first, last):
    assert month_of(day) == first
    assert month_bounds(day) == (first, last)


@pytest.mark.parametrize(
    ("month", "before"),
    [
        (D(2027, 1, 1), D(2026, 12, 1)),
        (D(2026, 3, 31), D(2026, 2, 1)),
        (D(2026, 10, 1), D(2026, 9, 1)),
    ],
)
def test_the_month_before_january_is_december_of_the_year_before(month, before):
    assert previous_month(month) == before


def test_the_month_after_december_is_january_of_the_next_year():
    assert next_month(D(2026, 12, 15)) == D(2027, 1, 1)
    assert next_month(D(2026, 1, 31)) == D(2026, 2, 1)


@pytest.mark.parametrize(
    ("month", "year_before"),
    [
        (D(2028, 2, 29), D(2027, 2, 1)),  # 29 February: the February of a year without one
        (D(2027, 1, 1), D(2026, 1, 1)),
        (D(2026, 12, 31), D(2025, 12, 1)),
    ],
)
def test_the_same_month_last_year(month, year_before):
    assert same_month_last_year(month) == year_before


def test_a_month_as_moments_runs_from_local_midnight_to_the_next_months():
    start, end = month_moments(D(2026, 10, 9))
    assert start == datetime.datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert end == datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2026, 9, 30, 16, tzinfo=datetime.UTC)


def test_compared_calls_the_figure_for_the_month_the_month_before_and_last_year():
    asked = []

    def figure(month):
        asked.append(month)
        return {D(2026, 1, 1): 12, D(2025, 12, 1): 9, D(2025, 1, 1): 15}[month]

    result = compared(figure, D(2026, 1, 20))
    assert asked == [D(2026, 1, 1), D(2025, 12, 1), D(2025, 1, 1)]
    assert result == Compared(12, 9, 15)
    assert (result.change, result.year_change) == (3, -3)


def test_a_change_needs_both_values():
    assert Compared(Decimal("50.0"), None, Decimal("40.0")).change is None
    assert Compared(Decimal("50.0"), None, Decimal("40.0")).year_change == Decimal("10.0")
    assert Compared(None, 3, 4).change is None
    assert Compared(None, 3, 4).year_change is None
    assert Compared(7).change is None


def test_map_compares_one_part_of_each_months_figures():
    rows = Compared({"a": 4, "b": 1}, {"a": 1, "b": 1}, {"a": 6, "b": 2})
    part = rows.map(lambda row: row["a"])
    assert part == Compared(4, 1, 6)
    assert (part.change, part.year_change) == (3, -2)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (0, 5, Decimal("0.0")), (3, 0, None)],
)
def test_percent_has_one_decimal_and_none_without_a_base(part, whole, expected):
    assert percent(part, whole) == expected
