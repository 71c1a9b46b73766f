from django.db import migrations


def seed(apps, schema_editor):
    from disputes.calendar_seed import seed_calendar_days

    seed_calendar_days(apps.get_model("disputes", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
