from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from inspections.default_template import load_default_template

    Template = apps.get_model("inspections", "ChecklistTemplate")
    template = load_default_template(
        Template,
        apps.get_model("inspections", "ChecklistSection"),
        apps.get_model("inspections", "ChecklistItem"),
    )
    if template.published_at is None:
        template.published_at = timezone.now()
        template.save(update_fields=["published_at"])


def unload(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Template.objects.filter(version=1, inspections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
