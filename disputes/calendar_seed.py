"""Seeding the holiday table from the chinese-calendar package (for the years it knows)."""


def seed_calendar_days(CalendarDay) -> int:
    """Add every holiday and make-up working day the package knows; existing dates (perhaps
    edited by hand) are left alone. Returns how many rows were added."""
    from chinese_calendar import constants

    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = [
        CalendarDay(date=day, kind="holiday", name=str(getattr(name, "value", name))[:50])
        for day, name in constants.holidays.items()
        if day not in existing
    ]
    rows += [
        CalendarDay(date=day, kind="workday", name=str(name)[:50])
        for day, name in constants.workdays.items()
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(rows)
    return len(rows)
