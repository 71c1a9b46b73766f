"""Session limits (GB/T 22239 8.1.4.1 d): 30 minutes idle, 12 hours at most, a new session key
at login, and a disabled account's sessions end at once."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from communities.accounts import signals
from communities.accounts.sessions import user_sessions_end

User = get_user_model()
LOGIN = reverse("login")
HOME = reverse("communities:home")
PASSWORD = "SafeCompound-2026"
TIMED_OUT = "会话已超时，请重新登录"


@pytest.fixture
def clock():
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def log_in(client, username="manager_a"):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_the_settings_say_12_hours_and_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 30 * 60


def test_a_session_ends_after_30_idle_minutes(client, city, clock):
    log_in(client)
    clock.shift(datetime.timedelta(minutes=29, seconds=59))
    assert client.get(HOME).status_code == 200  # activity: the idle clock starts again
    clock.shift(datetime.timedelta(minutes=29, seconds=59))
    assert client.get(HOME).status_code == 200
    clock.shift(datetime.timedelta(minutes=30))
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert TIMED_OUT in page


def test_a_session_ends_12_hours_after_login_however_active(client, city, clock):
    log_in(client)
    for _ in range(11 * 4 + 3):  # a request every 15 minutes for 11 h 45 min
        clock.shift(datetime.timedelta(minutes=15))
        assert client.get(HOME).status_code == 200
    clock.shift(datetime.timedelta(minutes=15))  # 12 h since login
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_past_the_limit_is_sent_to_the_login_page(client, city, clock):
    log_in(client)
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(LOGIN)


def test_the_cookie_lives_12_hours_not_two_weeks(client, city, clock):
    log_in(client)
    cookie = client.cookies["sessionid"]
    assert int(cookie["max-age"]) == 12 * 3600
    session = Session.objects.get(session_key=cookie.value)
    assert session.expire_date <= timezone.now() + datetime.timedelta(hours=12)


def test_logging_in_gives_a_new_session_key(client, city):
    session = client.session  # an anonymous session, as an attacker could plant
    session["planted"] = "x"
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    log_in(client)
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(city.manager_a.pk)


def test_disabling_a_user_ends_their_sessions(client, city):
    other = type(client)()
    log_in(client, "manager_a")
    log_in(other, "manager_b")
    seen = []
    signals.user_disabled.connect(
        lambda sender, user, request, **kw: seen.append(user.pk), weak=False, dispatch_uid="t"
    )
    try:
        city.manager_a.is_active = False
        city.manager_a.save()
        city.manager_a.save()  # saving an already disabled account sends nothing more
    finally:
        signals.user_disabled.disconnect(dispatch_uid="t")
    assert seen == [city.manager_a.pk]
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert other.get(HOME).status_code == 200  # someone else's session is untouched


def test_an_administrator_disabling_a_user_in_the_admin_ends_their_sessions(client, city):
    user_client = type(client)()
    log_in(user_client, "street")
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:auth_user_change", args=[city.street.pk]),
        {
            "username": "street",
            "first_name": "",
            "last_name": "",
            "email": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    city.street.refresh_from_db()
    assert city.street.is_active is False
    assert user_client.get(HOME).status_code == 302


def test_a_disabled_users_request_is_refused_even_with_a_session_left(client, city):
    log_in(client)
    User.objects.filter(pk=city.manager_a.pk).update(is_active=False)  # no signal: a raw update
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_ending_sessions_leaves_expired_and_other_users_alone(client, city):
    log_in(client, "manager_a")
    assert user_sessions_end(user_ids=[city.manager_b.pk]) == 0
    assert user_sessions_end(user_ids=[city.manager_a.pk]) == 1
    assert user_sessions_end(user_ids=[]) == 0
