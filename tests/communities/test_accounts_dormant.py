"""Dormant accounts (GB/T 22239 8.1.4.1): nobody logged in for 90 days, disabled by a daily job."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from communities.accounts.tasks import disable_dormant_accounts
from tests import factories as f

User = get_user_model()
PASSWORD = "SafeCompound-2026"


@pytest.fixture
def today():
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        yield now


def test_the_job_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["disable-dormant-accounts"]
    assert entry["task"] == "accounts.disable_dormant_accounts"
    assert entry["schedule"].hour == {2}
    assert settings.DORMANT_ACCOUNT_DAYS == 90


def test_accounts_unused_for_90_days_are_disabled(db, today):
    day = datetime.timedelta(days=1)
    recent = f.UserFactory(username="recent", last_login=today - 89 * day)
    dormant = f.UserFactory(username="dormant", last_login=today - 91 * day)
    never_new = f.UserFactory(username="never_new", date_joined=today - 30 * day)
    never_old = f.UserFactory(username="never_old", date_joined=today - 120 * day)
    root = User.objects.create_superuser("root", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(last_login=today - 200 * day)
    already = f.UserFactory(username="already", is_active=False, date_joined=today - 400 * day)

    assert disable_dormant_accounts.delay().get() == 3
    active = dict(User.objects.values_list("username", "is_active"))
    assert active == {
        "recent": True,
        "dormant": False,
        "never_new": True,
        "never_old": False,
        "root": False,  # superusers too: an unused administrator account is closed as well
        "already": False,
    }
    assert disable_dormant_accounts() == 0  # a second run changes nothing
    assert {recent.pk, dormant.pk, never_new.pk, never_old.pk, already.pk} <= set(
        User.objects.values_list("pk", flat=True)
    )  # disabled, never deleted


def test_a_disabled_dormant_account_cannot_log_in(client, db, today):
    f.UserFactory(username="sleeper", last_login=today - datetime.timedelta(days=100))
    disable_dormant_accounts()
    response = client.post(reverse("login"), {"username": "sleeper", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_login_90_days_ago_to_the_minute_is_not_yet_dormant(db, today):
    f.UserFactory(username="edge", last_login=today - datetime.timedelta(days=90))
    assert disable_dormant_accounts() == 0
    with time_machine.travel(today + datetime.timedelta(minutes=1), tick=False):
        assert disable_dormant_accounts() == 1


def test_disabling_a_dormant_account_ends_a_session_it_still_had(client, db, today):
    user = f.UserFactory(username="old_session")
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(last_login=today - datetime.timedelta(days=95))
    disable_dormant_accounts()
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_the_daily_job_clears_sessions_past_their_end_only(client, db):
    from communities.accounts.tasks import clear_expired_sessions

    client.force_login(f.UserFactory(username="live"))
    live = client.session.session_key
    Session.objects.create(
        session_key="ended" * 4,
        session_data="",
        expire_date=timezone.now() - datetime.timedelta(minutes=1),
    )

    clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    schedule = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert schedule["task"] == "accounts.clear_expired_sessions"
