"""Login lockout (django-axes, GB/T 22239 8.1.4.1 b): five failures lock a login name, or an
address, for 30 minutes; the same words whether the name exists or not; the address read from
X-Forwarded-For only behind the configured number of proxies."""

import datetime
import re

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from communities.accounts.addresses import client_address

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
HOME = reverse("communities:home")
PASSWORD = "SafeCompound-2026"
LOCKED_TEXT = "登录失败次数过多"


@pytest.fixture
def clock():
    """A fixed moment (computed from now, so the suite runs any day), frozen."""
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def attempt(client, username, password, address="198.51.100.7", url=LOGIN, **headers):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def without_tokens(response) -> str:
    """A page with its CSRF tokens (new on every response) blanked out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, address=None):
    """``times`` wrong passwords, each from another address unless one is given (so only the
    login name's count grows)."""
    for i in range(times):
        response = attempt(client, username, "wrong-Password-1", address or f"203.0.113.{i + 1}")
        assert response.status_code in (200, 429)
    return response


def test_four_failures_do_not_lock_and_a_success_clears_them(client, city, clock):
    last = fail(client, "manager_a", 4)
    assert last.status_code == 200  # the form again, with its error
    assert attempt(client, "manager_a", PASSWORD).status_code == 302
    assert logged_in(client)
    client.logout()
    # The success reset the count: four more failures still leave the login open.
    assert fail(client, "manager_a", 4).status_code == 200
    assert attempt(client, "manager_a", PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_login_name_for_30_minutes(client, city, clock):
    fifth = fail(client, "manager_a", 5)
    assert fifth.status_code == 429
    assert LOCKED_TEXT in fifth.content.decode()
    # The sixth attempt, with the right password and from a fresh address, is refused.
    sixth = attempt(client, "manager_a", PASSWORD, "192.0.2.99")
    assert sixth.status_code == 429
    assert not logged_in(client)
    # Another login name is not locked by it.
    assert attempt(client, "manager_b", PASSWORD, "192.0.2.98").status_code == 302
    client.logout()
    clock.shift(datetime.timedelta(minutes=29, seconds=59))
    assert attempt(client, "manager_a", PASSWORD, "192.0.2.99").status_code == 429
    clock.shift(datetime.timedelta(seconds=2))
    response = attempt(client, "manager_a", PASSWORD, "192.0.2.99")
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert logged_in(client)


def test_the_lockout_page_is_chinese_in_the_layout_and_says_how_long(client, city, clock):
    page = fail(client, "manager_a", 5).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "30 分钟" in page
    assert 'data-testid="locked-out"' in page
    assert "manager_a" not in page  # the name typed is not echoed


def test_five_failures_from_one_address_lock_that_address(client, city, clock):
    for i in range(5):  # a different login name each time: only the address's count reaches 5
        response = attempt(client, f"guess{i}", "wrong-Password-1", "198.51.100.50")
    assert response.status_code == 429
    # Even the right password of a real account is refused from that address …
    assert attempt(client, "manager_b", PASSWORD, "198.51.100.50").status_code == 429
    assert not logged_in(client)
    # … but not from another one.
    assert attempt(client, "manager_b", PASSWORD, "198.51.100.51").status_code == 302


def test_an_unknown_login_name_gets_the_same_answers_as_a_real_one(client, city, clock):
    real_wrong = attempt(client, "manager_a", "wrong-Password-1", "203.0.113.200")
    ghost_wrong = attempt(client, "no_such_user", "wrong-Password-1", "203.0.113.201")
    assert real_wrong.status_code == ghost_wrong.status_code == 200
    message = real_wrong.context["form"].non_field_errors()
    assert ghost_wrong.context["form"].non_field_errors() == message
    real = fail(client, "manager_a", 4)
    ghost = fail(client, "no_such_user", 4)
    assert real.status_code == ghost.status_code == 429
    assert without_tokens(real) == without_tokens(ghost)


def test_the_admin_login_is_locked_too(client, city, clock):
    for i in range(5):
        response = attempt(
            client, "bureau", "wrong-Password-1", f"203.0.113.{i + 1}", url=ADMIN_LOGIN
        )
    assert response.status_code == 429
    assert attempt(client, "bureau", PASSWORD, "192.0.2.1", url=ADMIN_LOGIN).status_code == 429
    assert attempt(client, "bureau", PASSWORD, "192.0.2.1").status_code == 429
    assert not logged_in(client)


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, city, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):  # one real address, a different claimed one each time
        attempt(
            client,
            f"guess{i}",
            "wrong-Password-1",
            "198.51.100.60",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}",
        )
    response = attempt(
        client, "manager_b", PASSWORD, "198.51.100.60", HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert response.status_code == 429


def test_behind_one_proxy_the_address_it_saw_counts(client, city, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for i in range(5):  # through nginx: the client forged a left part, nginx appended the truth
        attempt(
            client,
            f"guess{i}",
            "wrong-Password-1",
            proxy,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 198.51.100.70",
        )
    locked = attempt(client, "manager_b", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.70")
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out with it.
    other = attempt(client, "manager_b", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.71")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "", "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: the peer
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_the_admin_login_works_through_axes(client, city):
    response = attempt(client, "bureau", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 302
    assert logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 200
