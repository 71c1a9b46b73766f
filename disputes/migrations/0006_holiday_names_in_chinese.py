"""Holiday rows seeded in English by an older version (the chinese-calendar package's names) are
renamed in Chinese, as the seed now writes them; names typed by hand are left alone."""

from django.db import migrations

from disputes.calendar_seed import HOLIDAY_NAMES


def names_in_chinese(apps, schema_editor):
    CalendarDay = apps.get_model("disputes", "CalendarDay")
    for english, chinese in HOLIDAY_NAMES.items():
        CalendarDay.objects.filter(name=english).update(name=chinese)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0005_session_attendees")]

    operations = [migrations.RunPython(names_in_chinese, migrations.RunPython.noop)]
