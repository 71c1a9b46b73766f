"""``manage.py sync_roles``: create or update the role groups and their permissions."""

from django.core.management.base import BaseCommand

from communities.roles import roles_sync


class Command(BaseCommand):
    help = (
        "Create or update one group per organisation kind and role (role:<kind>:<role>) with "
        "the permissions in communities/roles.py. Idempotent; it also runs after every "
        "migrate. Groups added by hand are left alone."
    )

    def handle(self, *args, **options):
        groups = roles_sync()
        self.stdout.write(self.style.SUCCESS(f"Role groups in sync: {groups}."))
