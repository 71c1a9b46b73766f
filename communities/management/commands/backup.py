"""``manage.py backup [--output DIR]``: the database and the uploaded files, consistent, with a
manifest of every table's figures (``communities.backups``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities.backups import BackupError, backup_create, default_folder, describe


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and MEDIA_ROOT into a new folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, help="where to make the backup's folder"
        )

    def handle(self, *args, output=None, **options):
        try:
            folder = backup_create(output or default_folder())
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(describe(folder))
