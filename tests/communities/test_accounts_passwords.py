"""The password policy (GB/T 22239 8.1.4.1 a): each rule, the history of five, the age limit
and the change at first login after an administrator set the password."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from communities.accounts import signals
from communities.accounts.models import PasswordHistory
from communities.models import Role

User = get_user_model()
LOGIN = reverse("login")
HOME = reverse("communities:home")
CHANGE = reverse("password_change")
PASSWORD = "SafeCompound-2026"
GOOD = "Lantern-Quay-4821"


def codes(password, user) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def messages_zh(password, user) -> list[str]:
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return [str(m) for m in error.messages]
    return []


@pytest.fixture
def wang(db):
    return User.objects.create_user(
        "wangfang", password=GOOD, first_name="Fang", last_name="Wang", email="fang.wang@example.cn"
    )


# Each rule ----------------------------------------------------------------------------------


def test_a_good_password_passes_every_rule(wang):
    assert codes("Harbour-Pine-7730", wang) == set()


def test_ten_characters_at_least(wang):
    assert codes("Hp-7730abc", wang) == set()  # exactly 10
    assert "password_too_short" in codes("Hp-7730ab", wang)  # 9
    assert messages_zh("Hp-7730ab", wang) == ["密码太短，至少需要 10 个字符。"]


@pytest.mark.parametrize(
    ("password", "simple"),
    [
        ("harbourpinewalk", True),  # one class
        ("harbourpine7730", True),  # two
        ("HARBOUR-PINE-WALK", True),  # two: capitals and symbols
        ("harbour-pine7730", False),  # three
        ("Harbourpine7730", False),  # three
        ("Harbour-Pine-Walk", False),  # three
    ],
)
def test_three_of_four_character_classes(wang, password, simple):
    assert ("password_too_simple" in codes(password, wang)) is simple


def test_the_simple_password_message_is_chinese(wang):
    assert messages_zh("harbourpine7730", wang) == [
        "密码须至少包含大写字母、小写字母、数字、符号中的 3 类。"
    ]


def test_the_login_name_may_not_appear_in_any_case(wang):
    assert "password_has_username" in codes("My-WangFang-2026", wang)
    assert "password_has_username" in codes("xx-wangfang-99", wang)
    assert messages_zh("My-WangFang-2026", wang)[0] == "密码不能包含登录名。"


def test_a_password_like_the_users_names_or_email_is_refused(wang):
    assert "password_too_similar" in codes("Fang.Wang@example1", wang)


def test_a_common_password_is_refused(wang):
    assert "password_too_common" in codes("Password123", wang)


# History of five ----------------------------------------------------------------------------


def test_none_of_the_last_five_passwords_again(wang):
    passwords = [GOOD] + [f"Lantern-Quay-48{n}x" for n in range(5)]
    for password in passwords[1:]:
        wang.set_password(password)
        wang.save()
    assert PasswordHistory.objects.filter(user=wang).count() == 5  # older rows are pruned
    for recent in passwords[1:]:  # the current one and the four before it
        assert "password_reused" in codes(recent, wang), recent
    assert codes(passwords[0], wang) == set()  # sixth back: allowed again
    assert messages_zh(passwords[-1], wang) == ["新密码不能与最近 5 次使用过的密码相同。"]


def test_the_history_keeps_hashes_only(wang):
    wang.set_password(GOOD)
    wang.save()
    stored = PasswordHistory.objects.get(user=wang).password
    assert GOOD not in stored
    assert stored == User.objects.get(pk=wang.pk).password


# The change page and the password_changed signal ---------------------------------------------


def test_a_user_changes_their_password_on_the_workbench(client, city):
    seen = []
    signals.password_changed.connect(
        lambda sender, user, request, **kw: seen.append((user, request)),
        weak=False,
        dispatch_uid="test_seen",
    )
    try:
        client.force_login(city.manager_a)
        page = client.get(CHANGE)
        assert page.status_code == 200
        assert 'data-testid="password-change"' in page.content.decode()
        response = client.post(
            CHANGE,
            {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
        )
    finally:
        signals.password_changed.disconnect(dispatch_uid="test_seen")
    assert response.status_code == 302
    assert response["Location"] == HOME
    city.manager_a.refresh_from_db()
    assert city.manager_a.check_password(GOOD)
    entry = PasswordHistory.objects.get(user=city.manager_a)
    assert entry.must_change is False
    assert [(u.pk, r.user.pk) for u, r in seen] == [(city.manager_a.pk, city.manager_a.pk)]
    assert client.get(HOME).status_code == 200  # still logged in, not sent back to the page


def test_the_change_page_refuses_a_weak_password_in_chinese(client, city):
    client.force_login(city.manager_a)
    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码须至少包含" in html
    city.manager_a.refresh_from_db()
    assert city.manager_a.check_password(PASSWORD)


# First login after an administrator set the password -------------------------------------------


def _admin_adds(client, admin, organisation, username="zhaolei"):
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "first_name": "赵磊",
            "email": "",
            "organisation": organisation.pk,
            "role": Role.STAFF,
            "password1": GOOD,
            "password2": GOOD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    client.logout()
    return User.objects.get(username=username)


def test_a_new_account_changes_its_password_at_first_login(client, city):
    seen = []
    signals.password_changed.connect(
        lambda sender, user, request, **kw: seen.append((user.pk, request.user.pk)),
        weak=False,
        dispatch_uid="test_seen",
    )
    try:
        user = _admin_adds(client, city.bureau, city.org.street)
    finally:
        signals.password_changed.disconnect(dispatch_uid="test_seen")
    assert seen == [(user.pk, city.bureau.pk)]  # set by the administrator, in their request
    assert PasswordHistory.objects.get(user=user).must_change is True

    response = client.post(LOGIN, {"username": "zhaolei", "password": GOOD})
    assert response.status_code == 302
    for url in (HOME, reverse("admin:index"), reverse("inspections:check_list")):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"] == CHANGE
    page = client.get(CHANGE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "管理员设置" in page.content.decode()
    new = "Willow-Bridge-5163"
    changed = client.post(
        CHANGE, {"old_password": GOOD, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    assert client.get(HOME).status_code == 200
    latest = PasswordHistory.objects.filter(user=user).first()
    assert latest.must_change is False


def test_a_password_reset_by_an_administrator_is_changed_at_next_login(client, city):
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[city.street.pk]),
        {"password1": GOOD, "password2": GOOD, "usable_password": "true"},
    )
    assert response.status_code == 302
    client.logout()
    assert PasswordHistory.objects.filter(user=city.street).first().must_change is True
    client.post(LOGIN, {"username": "street", "password": GOOD})
    assert client.get(HOME)["Location"] == CHANGE


def test_a_user_who_must_change_can_still_log_out_and_switch_language(client, city):
    user = _admin_adds(client, city.bureau, city.org.street)
    client.post(LOGIN, {"username": user.username, "password": GOOD})
    assert (
        client.post(reverse("set_language"), {"language": "en", "next": CHANGE}).status_code == 302
    )
    assert client.get(CHANGE).status_code == 200
    assert client.get(reverse("communities:guide")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN


# Age -------------------------------------------------------------------------------------------


def test_a_password_older_than_90_days_must_be_changed(client, city, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    set_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(set_at, tick=False):
        city.manager_a.set_password(GOOD)
        city.manager_a.save()
    with time_machine.travel(set_at + datetime.timedelta(days=89, hours=23), tick=False):
        client.post(LOGIN, {"username": "manager_a", "password": GOOD})
        assert client.get(HOME).status_code == 200
        client.logout()
    with time_machine.travel(set_at + datetime.timedelta(days=90, seconds=1), tick=False):
        response = client.post(LOGIN, {"username": "manager_a", "password": GOOD})
        assert response.status_code == 302
        assert client.get(HOME)["Location"] == CHANGE
        page = client.get(CHANGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "90 天" in page


def test_an_account_without_history_counts_from_when_it_was_made(client, city):
    joined = city.viewer_a.date_joined
    assert not PasswordHistory.objects.filter(user=city.viewer_a).exists()
    with time_machine.travel(joined + datetime.timedelta(days=91), tick=False):
        client.post(LOGIN, {"username": "viewer_a", "password": PASSWORD})
        assert client.get(HOME)["Location"] == CHANGE


def test_an_age_limit_of_zero_never_expires(client, city, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel(city.viewer_a.date_joined + datetime.timedelta(days=900), tick=False):
        client.post(LOGIN, {"username": "viewer_a", "password": PASSWORD})
        assert client.get(HOME).status_code == 200


def test_the_security_page_under_the_users_name_leads_to_the_change_page(client, city):
    client.force_login(city.viewer_a)
    page = client.get(reverse("twofactor:security"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{CHANGE}" data-testid="password-change-link">修改密码</a>' in html


def test_an_administrator_changing_their_own_password_in_the_admin_is_not_forced_again(
    client, city
):
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302
    entry = PasswordHistory.objects.get(user=city.bureau)
    assert entry.must_change is False
    assert client.get(reverse("admin:index")).status_code == 200
