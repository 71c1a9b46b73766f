"""``manage.py restore FOLDER``: a backup into an empty database and MEDIA_ROOT, checked table
by table against the backup's manifest (``communities.backups``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup (manage.py backup) into an empty database, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the backup's folder (safecompound-…)")

    def handle(self, *args, folder, **options):
        try:
            restored = backup_restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored {restored.folder}: {restored.tables} tables, {restored.rows} rows, "
            f"{restored.files} files; every table's rows and checksum as in the backup"
        )
