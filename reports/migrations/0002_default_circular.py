from django.db import migrations

from reports.default_circular import DEFAULT_CIRCULAR


def load(apps, schema_editor):
    CircularTemplate = apps.get_model("reports", "CircularTemplate")
    if not CircularTemplate.objects.exists():
        CircularTemplate.objects.create(version=1, **DEFAULT_CIRCULAR)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
