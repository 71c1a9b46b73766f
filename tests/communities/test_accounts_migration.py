"""Migration accounts 0002: accounts that exist when the password policy arrives get their
current password recorded as set at the upgrade, so their 90 days start then (not at
date_joined, which would send nearly everyone to the change page at once)."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from communities.accounts.models import PasswordHistory
from tests import factories as f

User = get_user_model()
BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_start_password_clocks")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_start_their_password_age_at_the_upgrade(client):
    upgrade = timezone.now().replace(microsecond=0)
    old = f.UserFactory(username="veteran", date_joined=upgrade - datetime.timedelta(days=400))
    no_login = f.UserFactory(username="handler")
    no_login.set_unusable_password()
    no_login.save()
    try:
        migrate(BEFORE)
        PasswordHistory.objects.all().delete()
        with time_machine.travel(upgrade, tick=False):
            migrate(AFTER)
        entry = PasswordHistory.objects.get(user=old)
        assert (entry.password, entry.changed_at, entry.must_change) == (
            User.objects.get(pk=old.pk).password,
            upgrade,
            False,
        )
        assert not PasswordHistory.objects.filter(user=no_login).exists()  # no password to age
        with time_machine.travel(upgrade + datetime.timedelta(days=1), tick=False):
            client.post(reverse("login"), {"username": "veteran", "password": "SafeCompound-2026"})
            assert client.get(reverse("communities:home")).status_code == 200  # not sent to change
    finally:  # every app at its latest migration again, for the tests that follow
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
