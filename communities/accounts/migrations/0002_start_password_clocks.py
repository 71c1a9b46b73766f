"""Every account that exists when the policy arrives gets its current password recorded, set
now: its 90 days start at the upgrade (not at date_joined, which would force most users to
change at once), and that password counts in its history."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def record_current_passwords(apps, schema_editor):
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    history = apps.get_model("accounts", "PasswordHistory")
    now = timezone.now()
    rows = [
        history(user_id=pk, password=password, changed_at=now, must_change=False)
        for pk, password in user_model.objects.values_list("pk", "password").iterator()
        if password and not password.startswith("!")  # "!…" is an unusable password
    ]
    history.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(record_current_passwords, migrations.RunPython.noop)]
