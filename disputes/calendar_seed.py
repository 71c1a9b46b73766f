"""Seeding the holiday table from the chinese-calendar package (for the years it knows).

The package names its holidays in English; the table holds them in Chinese, as the State
Council's notice does (``HOLIDAY_NAMES``; migration 0006 renamed rows an older version seeded in
English)."""

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _name(value) -> str:
    """A holiday's name in Chinese: the package's English names translated, others as given."""
    name = str(getattr(value, "value", value))
    return HOLIDAY_NAMES.get(name, name)[:50]


def seed_calendar_days(CalendarDay) -> int:
    """Add every holiday and make-up working day the package knows; existing dates (perhaps
    edited by hand) are left alone. Returns how many rows were added."""
    from chinese_calendar import constants

    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = [
        CalendarDay(date=day, kind="holiday", name=_name(name))
        for day, name in constants.holidays.items()
        if day not in existing
    ]
    rows += [
        CalendarDay(date=day, kind="workday", name=_name(name))
        for day, name in constants.workdays.items()
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(rows)
    return len(rows)
