"""Working days of mainland China: across the 2026 Spring Festival, a 调休 Saturday, and the
fallback to weekends for a year the holiday table does not know (2027)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.admin import MSG_UNKNOWN_YEARS
from disputes.models import CalendarDay, DayKind
from disputes.workdays import add_working_days, unknown_years, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13)),  # Thursday → Friday
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → the 调休 Saturday is worked
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # then nine days of Spring Festival
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # the second 调休 Saturday counts too
        (D(2026, 2, 10), 10, D(2026, 3, 2)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # National Day: 1–7 October off
    ],
)
def test_deadlines_across_the_spring_festival_and_make_up_saturdays(db, start, n, expected):
    assert add_working_days(start, n) == expected


def test_the_start_day_is_not_counted_and_zero_is_the_start(db):
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_an_unknown_year_falls_back_to_weekends(db):
    assert unknown_years(D(2026, 12, 1), D(2027, 1, 31)) == [2027]
    # 2027-01-01 is a Friday; without a table, the next working day is Monday the 4th.
    assert add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_the_table_is_editable_and_counts_at_once(db):
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert unknown_years(D(2027, 1, 1), D(2027, 12, 31)) == []


def test_working_days_between_uses_the_same_calendar(db):
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2  # 14th and 24th
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == 0


def test_one_query_whatever_the_span(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 5), 30)
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 5), 2)


def test_the_package_seed_covers_the_years_it_knows(db):
    assert CalendarDay.objects.filter(date__year=2026).exists()
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).kind == DayKind.HOLIDAY


def test_bureau_staff_are_warned_of_years_the_table_does_not_know(client, city):
    """This year is in the table, next year is not (whatever year the suite runs in)."""
    this_year = timezone.localdate().year
    CalendarDay.objects.filter(date__year=this_year + 1).delete()
    CalendarDay.objects.get_or_create(
        date=D(this_year, 10, 1), defaults={"kind": DayKind.HOLIDAY, "name": "国庆节"}
    )
    client.force_login(city.bureau)
    response = client.get(reverse("admin:disputes_calendarday_changelist"))
    assert response.status_code == 200
    warning = str(MSG_UNKNOWN_YEARS).split("%(years)s")[0]
    warnings = [str(m) for m in response.context["messages"] if warning in str(m)]
    assert len(warnings) == 1
    assert str(this_year + 1) in warnings[0] and str(this_year) + "、" not in warnings[0]


def test_no_warning_when_the_table_knows_this_year_and_next(client, city):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        CalendarDay.objects.get_or_create(
            date=D(year, 10, 1), defaults={"kind": DayKind.HOLIDAY, "name": "国庆节"}
        )
    client.force_login(city.bureau)
    response = client.get(reverse("admin:disputes_calendarday_changelist"))
    warning = str(MSG_UNKNOWN_YEARS).split("%(years)s")[0]
    assert not [m for m in response.context["messages"] if warning in str(m)]


def test_only_the_bureau_edits_the_calendar(client, city):
    client.force_login(city.manager_a)
    assert client.get(reverse("admin:disputes_calendarday_changelist")).status_code == 403
    client.force_login(city.street)
    assert client.get(reverse("admin:disputes_calendarday_add")).status_code == 403
