"""Two-factor login (issue 10): a TOTP authenticator app, required for bureau members and
administrators (TWO_FACTOR_REQUIRED_FOR = "privileged"), optional for the others, with ten
single-use recovery codes. Codes are computed from the device's key under a frozen clock."""

import os
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.twofactor import policy, services, signals
from tests import factories as f

PASSWORD = "SafeCompound-2026"
HOME = "/"
SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
SECURITY = reverse("twofactor:security")
WRONG = "验证码不正确"
THROTTLED = "错误次数过多"


@pytest.fixture
def clock():
    """Now, frozen: a TOTP code depends on the time step (30 s); tests move it on."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def privileged(settings):
    settings.TWO_FACTOR_REQUIRED_FOR = "privileged"


@pytest.fixture
def sent():
    """The two-factor signals sent during the test: [(name, kwargs)]."""
    heard = []
    names = ["two_factor_enabled", "two_factor_disabled", "recovery_code_used", "two_factor_failed"]
    receivers = {}
    for name in names:

        def receiver(sender, _name=name, **kwargs):
            heard.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver)
    yield heard
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def code_now(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user, clock) -> tuple[TOTPDevice, list[str]]:
    """A user who enrolled an app half a minute ago (so the next code is a new one)."""
    device = services.enrolment_device(user)
    result, codes = services.enrolment_confirm(user=user, code=code_now(device))
    assert result.ok
    clock.shift(31)
    return result.device, codes


def test_a_bureau_user_without_a_device_must_enrol_before_the_workbench_or_the_admin(
    client, city, privileged
):
    client.force_login(city.bureau)
    for url in (HOME, reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next={url.replace('/', '%2F')}"
    # The way out and the guide stay open.
    assert client.get(reverse("communities:guide")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(HOME).status_code == 302


def test_the_password_step_of_the_login_page_and_of_the_admin_leads_to_enrolment(
    client, city, privileged
):
    response = client.post(reverse("login"), {"username": "bureau", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(HOME)["Location"].startswith(SETUP)
    client.logout()
    response = client.post(
        reverse("admin:login"), {"username": "street", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == f"{SETUP}?next=%2Fadmin%2F"


def test_enrolment_with_a_valid_code_confirms_the_app_and_shows_ten_codes_once(
    client, city, privileged, clock, sent
):
    client.force_login(city.bureau)
    page = client.get(f"{SETUP}?next=/admin/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=city.bureau)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode()
    html = page.content.decode()
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html
    assert "<svg" in html and "<script" not in html
    assert client.get(SETUP).content.decode().count(secret[:4]) >= 1  # same key on reload
    assert TOTPDevice.objects.filter(user=city.bureau).count() == 1

    response = client.post(SETUP, {"code": code_now(device), "next": "/admin/"})
    assert response.status_code == 200
    codes = [c.token for c in StaticToken.objects.filter(device__user=city.bureau)]
    assert len(codes) == 10
    body = response.content.decode()
    assert all(code in body for code in codes)
    assert 'href="/admin/"' in body
    device.refresh_from_db()
    assert device.confirmed
    assert [name for name, _ in sent] == ["two_factor_enabled"]
    assert sent[0][1]["user"] == city.bureau and sent[0][1]["request"] is not None
    # Verified in this session: the workbench and the admin open.
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    # The codes are never shown again.
    assert codes[0] not in client.get(SECURITY).content.decode()


def test_a_wrong_code_at_enrolment_is_refused_with_the_message(client, city, privileged, clock):
    client.force_login(city.bureau)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not TOTPDevice.objects.get(user=city.bureau).confirmed
    assert not StaticDevice.objects.filter(user=city.bureau).exists()


def test_the_next_login_asks_for_the_code(client, city, privileged, clock, sent):
    device, _codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    page = client.get(f"{VERIFY}?next=/admin/")
    assert page.status_code == 200
    assert 'name="next" value="/admin/"' in page.content.decode()
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": code_now(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session.session_key != key_before
    assert client.get(HOME).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert sent == [] or all(name != "two_factor_failed" for name, _ in sent)


def test_a_session_whose_app_was_reset_must_enrol_again(client, city, privileged, clock):
    device, _codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    assert client.post(VERIFY, {"code": code_now(device)}).status_code == 302
    assert client.get(HOME).status_code == 200
    services.two_factor_disable(user=city.bureau, actor=city.street)
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_a_wrong_code_at_login_is_refused_with_a_chinese_message(
    client, city, privileged, clock, sent
):
    enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert client.get(HOME).status_code == 302
    failed = [(kw["reason"], kw["stage"], kw["user"]) for n, kw in sent if n == "two_factor_failed"]
    assert failed == [("wrong", "login", city.bureau)]


def test_repeated_wrong_codes_are_throttled_even_for_the_right_code(
    client, city, privileged, clock, sent
):
    device, _codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    # Each failure doubles the wait before the next code is looked at: 1 s, then 2 s.
    assert WRONG in client.post(VERIFY, {"code": "999999"}).content.decode()
    clock.shift(1)
    assert WRONG in client.post(VERIFY, {"code": "999999"}).content.decode()
    clock.shift(1)
    response = client.post(VERIFY, {"code": code_now(device)})  # right, but too soon
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert sent[-1][1]["reason"] == "throttled"
    clock.shift(2)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_recovery_code_works_once_and_not_twice(client, city, privileged, clock, sent):
    _device, codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[0] == (HOME, 302)
    assert "9" in response.content.decode()  # the message: codes left
    assert StaticToken.objects.filter(device__user=city.bureau).count() == 9
    assert ("recovery_code_used", 9) in [(n, kw.get("remaining")) for n, kw in sent]

    client.logout()
    clock.shift(60)
    client.force_login(city.bureau)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert client.get(HOME).status_code == 302
    clock.shift(60)
    assert client.post(VERIFY, {"code": codes[1]}).status_code == 302
    assert StaticToken.objects.filter(device__user=city.bureau).count() == 8


def test_new_recovery_codes_invalidate_the_old_ones(client, city, privileged, clock):
    device, old = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    client.post(VERIFY, {"code": code_now(device)})
    clock.shift(31)
    response = client.post(
        reverse("twofactor:recovery_codes"), {"regenerate-code": code_now(device)}
    )
    assert response.status_code == 200
    new = [c.token for c in StaticToken.objects.filter(device__user=city.bureau)]
    assert len(new) == 10 and not set(new) & set(old)
    assert all(code in response.content.decode() for code in new)
    clock.shift(31)
    assert not services.code_verify(user=city.bureau, code=old[0]).ok
    clock.shift(31)
    assert services.code_verify(user=city.bureau, code=new[0]).ok


def test_it_is_optional_for_a_company_viewer_who_may_turn_it_on_and_off(
    client, city, privileged, clock, sent
):
    client.force_login(city.viewer_a)
    assert client.get(HOME).status_code == 200
    page = client.get(SECURITY).content.decode()
    assert f'href="{SETUP}"' in page
    assert SECURITY in client.get(HOME).content.decode()  # the user menu links to it

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=city.viewer_a)
    assert client.post(SETUP, {"code": code_now(device)}).status_code == 200
    clock.shift(31)
    response = client.post(reverse("twofactor:disable"), {"disable-code": "111111"})
    assert response.status_code == 400
    assert WRONG in response.content.decode()
    clock.shift(60)
    response = client.post(reverse("twofactor:disable"), {"disable-code": code_now(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=city.viewer_a).exists()
    assert not StaticDevice.objects.filter(user=city.viewer_a).exists()
    assert client.get(HOME).status_code == 200
    names = [name for name, _ in sent]
    assert names == ["two_factor_enabled", "two_factor_failed", "two_factor_disabled"]
    assert sent[-1][1]["reset"] is False


def test_a_user_who_must_use_it_cannot_turn_it_off(client, city, privileged, clock):
    device, _codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    client.post(VERIFY, {"code": code_now(device)})
    clock.shift(31)
    assert "disable-code" not in client.get(SECURITY).content.decode()
    response = client.post(reverse("twofactor:disable"), {"disable-code": code_now(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=city.bureau, confirmed=True).exists()


def test_the_all_setting_requires_it_for_everyone(client, city, settings):
    settings.TWO_FACTOR_REQUIRED_FOR = "all"
    client.force_login(city.viewer_a)
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_the_none_setting_requires_it_for_nobody_but_an_enrolled_user_still_types_a_code(
    client, city, settings, clock
):
    settings.TWO_FACTOR_REQUIRED_FOR = "none"
    client.force_login(city.bureau)
    assert client.get(HOME).status_code == 200
    enrolled(city.street, clock)
    client.force_login(city.street)
    assert client.get(HOME)["Location"].startswith(VERIFY)


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("bureau", True),  # bureau admin
        ("street", True),  # administrator roles
        ("community", True),
        ("manager_a", True),
        ("viewer_a", False),  # a company viewer
        ("nobody", False),
    ],
)
def test_who_is_privileged(city, member, expected):
    assert policy.is_privileged(getattr(city, member)) is expected


def test_superusers_operators_and_bureau_staff_are_privileged(city):
    from communities.models import Role
    from communities.services import membership_set

    assert policy.is_privileged(f.UserFactory(is_superuser=True, is_staff=True))
    assert policy.is_privileged(f.UserFactory(is_staff=True))  # an operator, by hand
    bureau_viewer = f.UserFactory()
    membership_set(user=bureau_viewer, organisation=city.org.bureau, role=Role.VIEWER)
    assert policy.is_privileged(bureau_viewer)
    company_staff = f.UserFactory()
    membership_set(user=company_staff, organisation=city.org.company_a, role=Role.STAFF)
    company_staff.refresh_from_db()
    assert company_staff.is_staff  # opens the scoped admin, yet it stays optional
    assert not policy.is_privileged(company_staff)


def test_a_mistyped_setting_is_refused(settings):
    settings.TWO_FACTOR_REQUIRED_FOR = "bureau"
    with pytest.raises(ImproperlyConfigured):
        policy.required_for()


def test_production_requires_it_for_privileged_roles():
    env = {k: v for k, v in os.environ.items() if k != "TWO_FACTOR_REQUIRED_FOR"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-real-secret-for-this-test-0123456789",
        "ALLOWED_HOSTS": "x",
    }
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += (
        "print(s.TWO_FACTOR_REQUIRED_FOR, 'django_otp.middleware.OTPMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["privileged", "True"]


def test_an_administrator_resets_a_lost_phone_from_the_user_list(client, city, clock, sent):
    enrolled(city.manager_a, clock)
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "two_factor_reset", "_selected_action": [city.manager_a.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=city.manager_a).exists()
    assert not StaticToken.objects.filter(device__user=city.manager_a).exists()
    (name, kwargs) = sent[-1]
    assert name == "two_factor_disabled"
    assert kwargs["user"] == city.manager_a
    assert kwargs["by"] == city.bureau and kwargs["reset"] is True


def test_the_user_list_says_who_has_enrolled_in_its_own_query(client, city, clock):
    enrolled(city.manager_a, clock)
    client.force_login(city.bureau)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    rows = {u.username: u.two_factor_on for u in response.context["cl"].result_list}
    assert rows["manager_a"] is True
    assert rows["manager_b"] is False
    assert "两步验证" in response.content.decode()


def test_the_admin_header_links_to_the_security_settings(client, city):
    client.force_login(city.viewer_a)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{SECURITY}"' in html and "安全设置" in html


def test_a_company_admin_cannot_reset_a_user_out_of_scope(client, city, clock):
    enrolled(city.manager_b, clock)
    client.force_login(city.manager_a)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "two_factor_reset", "_selected_action": [city.manager_b.pk]},
    )
    assert TOTPDevice.objects.filter(user=city.manager_b, confirmed=True).exists()


def test_htmx_requests_are_sent_to_the_code_page_whole(client, city, privileged):
    client.force_login(city.bureau)
    response = client.get(HOME, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(SETUP)


def test_next_never_leads_off_the_site(client, city, privileged, clock):
    device, _codes = enrolled(city.bureau, clock)
    client.force_login(city.bureau)
    response = client.post(VERIFY, {"code": code_now(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:home")


def test_the_device_admin_pages_are_not_registered():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    assert get_user_model() in admin.site._registry
