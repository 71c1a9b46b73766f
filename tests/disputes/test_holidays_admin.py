"""The holiday table in the admin: Chinese names (rows an older version seeded in English are
renamed by migration 0006), this year and later by default, newest first, older years one click
away."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from disputes.calendar_seed import HOLIDAY_NAMES
from disputes.models import CalendarDay, DayKind

URL = reverse("admin:disputes_calendarday_changelist")


def day(year: int, month: int, d: int, name: str) -> CalendarDay:
    row, _ = CalendarDay.objects.update_or_create(
        date=datetime.date(year, month, d), defaults={"kind": DayKind.HOLIDAY, "name": name}
    )
    return row


@pytest.fixture
def years(db):
    this_year = timezone.localdate().year
    # Only these rows from next year on, whatever years the calendar package knows by now.
    CalendarDay.objects.filter(date__gte=datetime.date(this_year + 1, 1, 1)).delete()
    return {
        "last": day(this_year - 1, 10, 1, "国庆节"),
        "this": day(this_year, 10, 1, "国庆节"),
        "next": day(this_year + 1, 1, 1, "元旦"),
    }


def test_the_seed_names_holidays_in_chinese(db):
    names = set(CalendarDay.objects.values_list("name", flat=True))
    assert names <= set(HOLIDAY_NAMES.values())
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} <= names
    assert not any(name.isascii() for name in names)


def test_the_list_opens_on_this_year_and_later_newest_first(client, city, years):
    client.force_login(city.bureau)

    rows = list(client.get(URL).context["cl"].result_list)

    this_year = timezone.localdate().year
    assert rows and all(row.date.year >= this_year for row in rows)
    assert [row.date for row in rows] == sorted((row.date for row in rows), reverse=True)
    assert rows[0] == years["next"] and years["this"] in rows and years["last"] not in rows


def test_older_years_are_one_click_away(client, city, years):
    client.force_login(city.bureau)
    last_year = str(timezone.localdate().year - 1)

    response = client.get(URL)
    spec = response.context["cl"].filter_specs[0]
    choices = [(str(c["display"]), c["selected"]) for c in spec.choices(response.context["cl"])]
    one_year = client.get(URL, {"year": last_year}).context["cl"].result_list
    every_year = client.get(URL, {"year": "all"}).context["cl"]

    assert choices[0] == ("本年及以后", True)
    assert (last_year, False) in choices and choices[-1] == ("全部年份", False)
    assert {row.date.year for row in one_year} == {int(last_year)}
    assert years["last"] in one_year
    assert every_year.result_count == CalendarDay.objects.count()


def test_rows_seeded_in_english_are_renamed_in_chinese_and_found_in_chinese(client, city, years):
    english = day(timezone.localdate().year, 10, 2, "National Day")
    typed = day(timezone.localdate().year, 10, 9, "Company day")  # typed by hand: left alone
    migration = import_module("disputes.migrations.0006_holiday_names_in_chinese")

    migration.names_in_chinese(apps, None)
    client.force_login(city.bureau)
    page = client.get(URL).content.decode()
    found = client.get(URL, {"q": "国庆"}).context["cl"].result_list

    english.refresh_from_db()
    typed.refresh_from_db()
    assert english.name == "国庆节" and typed.name == "Company day"
    assert "National Day" not in page and "国庆节" in page
    assert english in found and years["this"] in found
