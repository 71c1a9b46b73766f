"""The key-management page: who is on it and why, the history, and putting on / taking off."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inspections import errors as e
from inspections import services
from inspections.models import KeyManagement
from inspections.selectors.key_management import compound_ids_under_key_management
from inspections.views.key_management import HISTORY_PAGE_SIZE
from tests import factories as f

LOGIN = reverse("login")
LIST = reverse("inspections:key_management_list")
ENTER = reverse("inspections:key_management_enter")
LEAVE = reverse("inspections:key_management_leave")
CAST = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody"]

# session, user, savepoint pair, permissions (1), unread count, scope (7) + spells now, history
# count and rows, and (for the bureau) the compounds it could put on.
PINNED_LIST = 11


def login(client, user):
    client.force_login(user)
    return client


def current_codes(response) -> set[str]:
    return {spell.compound.code for spell in response.context["current"]}


def history_codes(response) -> list[str]:
    return [spell.compound.code for spell in response.context["page"].object_list]


def put_on(city, code, reason="连续两个月不达标", actor=None):
    return services.key_management_enter(
        compound=city.compounds[code], actor=actor or city.bureau, reason=reason
    )


# Who may open and post what ---------------------------------------------------------------------

STATUS = {
    # who: (the page, putting on, taking off)
    "bureau": (200, 302, 302),
    "street": (200, 403, 403),
    "community": (200, 403, 403),
    "manager_a": (200, 403, 403),
    "manager_b": (200, 403, 403),
    "viewer_a": (200, 403, 403),
    "nobody": (403, 403, 403),
}


@pytest.mark.parametrize("who", CAST)
def test_each_url_answers_each_member_of_the_cast(client, city, who):
    page, enter, leave = STATUS[who]
    put_on(city, "B1")
    login(client, getattr(city, who))
    assert client.get(LIST).status_code == page
    a1 = city.compounds["A1"].pk
    assert client.post(ENTER, {"compound": a1, "reason": "群众投诉较多"}).status_code == enter
    b1 = city.compounds["B1"].pk
    assert client.post(LEAVE, {"compound": b1, "reason": "整改到位"}).status_code == leave
    expected = {"A1"} if enter == 302 else {"B1"}
    active = KeyManagement.objects.active().values_list("compound__code", flat=True)
    assert set(active) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, ENTER, LEAVE])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_putting_on_and_taking_off_are_post_only(client, city):
    login(client, city.bureau)
    assert client.get(ENTER).status_code == 405
    assert client.get(LEAVE).status_code == 405


# What each user sees --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"A1", "B1"}),
        ("street", {"A1"}),
        ("manager_a", {"A1"}),
        ("manager_b", {"B1"}),
        ("nobody", set()),
    ],
)
def test_each_user_sees_the_compounds_of_their_scope(client, city, who, expected):
    put_on(city, "A1")
    put_on(city, "B1")
    user = getattr(city, who)
    if who != "nobody":
        response = login(client, user).get(LIST)
        assert current_codes(response) == expected
        assert set(history_codes(response)) == expected
        html = response.content.decode()
        for code in {"A1", "B1"} - expected:
            assert city.compounds[code].name not in html
    codes = {
        c.code
        for c in city.compounds.values()
        if c.pk in compound_ids_under_key_management(user=user)
    }
    assert codes == expected


def test_the_page_shows_the_reason_since_when_and_who(client, city):
    spell = put_on(city, "A1", reason="消防隐患逾期未整改")
    KeyManagement.objects.create(
        compound=city.compounds["A2"],
        started_on=datetime.date(2026, 9, 20),
        start_reason="不达标 2 months running",
    )
    html = login(client, city.manager_a).get(LIST).content.decode()
    a1, a2 = card(html, "A1"), card(html, "A2")
    assert "消防隐患逾期未整改" in a1
    assert spell.started_on.isoformat() in a1
    assert "<dd>bureau</dd>" in a1  # who put it on
    assert "2026-09-20" in a2
    assert "不达标 2 months running" in a2
    assert "<dd>bureau</dd>" not in a2  # the rule put it on
    assert f'action="{LEAVE}"' not in html
    assert f'action="{ENTER}"' not in html


def card(html: str, code: str) -> str:
    """The HTML of a compound's card under "now" (the first element marked with its code)."""
    start = html.index(f'data-compound="{code}"')
    return html[start : html.index("</li>", start)]


def test_only_the_bureau_gets_the_forms(client, city):
    put_on(city, "A1")
    html = login(client, city.bureau).get(LIST).content.decode()
    assert f'action="{ENTER}"' in html
    assert f'action="{LEAVE}"' in html
    html = login(client, city.street).get(LIST).content.decode()
    assert f'action="{ENTER}"' not in html
    assert f'action="{LEAVE}"' not in html


# Putting on and taking off by hand -----------------------------------------------------------


def test_the_bureau_puts_a_compound_on_and_takes_it_off_with_reasons(client, city):
    login(client, city.bureau)
    a1 = city.compounds["A1"]
    response = client.post(ENTER, {"compound": a1.pk, "reason": "群众投诉治安问题"})
    assert response.status_code == 302
    assert response["Location"] == LIST
    spell = KeyManagement.objects.active().get(compound=a1)
    assert (spell.start_reason, spell.started_by) == ("群众投诉治安问题", city.bureau)
    assert current_codes(client.get(LIST)) == {"A1"}

    response = client.post(LEAVE, {"compound": a1.pk, "reason": "回访确认整改到位"})
    assert response.status_code == 302
    spell.refresh_from_db()
    assert (spell.ended_by, spell.end_reason) == (city.bureau, "回访确认整改到位")
    assert spell.ended_on is not None
    page = client.get(LIST)
    assert current_codes(page) == set()
    html = page.content.decode()
    assert 'data-testid="km-entry"' in html and 'data-testid="km-exit"' in html
    assert "群众投诉治安问题" in html and "回访确认整改到位" in html

    client.post(ENTER, {"compound": a1.pk, "reason": "再次出现隐患"})
    assert history_codes(client.get(LIST)) == ["A1", "A1"]  # every spell is kept


def test_putting_on_needs_a_reason(client, city):
    login(client, city.bureau)
    response = client.post(ENTER, {"compound": city.compounds["A1"].pk, "reason": "   "})
    assert response.status_code == 200
    assert response.context["enter_form"].errors["reason"]
    assert not KeyManagement.objects.exists()


def test_taking_off_needs_a_reason_and_keeps_the_compound_on(client, city):
    put_on(city, "A1")
    login(client, city.bureau)
    response = client.post(LEAVE, {"compound": city.compounds["A1"].pk, "reason": ""})
    assert response.status_code == 200
    spell = response.context["current"][0]
    assert spell.leave_form.errors["reason"]
    assert '<details class="km-leave" open>' in response.content.decode()
    assert KeyManagement.objects.active().count() == 1


def test_a_compound_already_on_cannot_be_put_on_again(client, city):
    put_on(city, "A1")
    login(client, city.bureau)
    form = client.get(LIST).context["enter_form"]
    assert "A1" not in {c.code for c in form.fields["compound"].queryset}
    response = client.post(ENTER, {"compound": city.compounds["A1"].pk, "reason": "再次"})
    assert response.status_code == 200
    assert response.context["enter_form"].errors["compound"]
    assert KeyManagement.objects.count() == 1


def test_taking_off_a_compound_that_is_not_on_says_so(client, city):
    login(client, city.bureau)
    response = client.post(LEAVE, {"compound": city.compounds["A1"].pk, "reason": "误操作"})
    assert response.status_code == 200
    assert str(e.MSG_NOT_KEY) in response.content.decode()
    response = client.post(LEAVE, {"compound": "abc", "reason": "误操作"})
    assert str(e.MSG_NOT_KEY) in response.content.decode()


def test_a_bureau_user_cannot_reach_beyond_their_district(client, city):
    elsewhere = f.StreetFactory(district=f.DistrictFactory(code="120101", name="外区"))
    other = f.CompoundFactory(community=f.CommunityFactory(street=elsewhere), code="Z1")
    login(client, city.bureau)
    response = client.post(ENTER, {"compound": other.pk, "reason": "越权"})
    assert response.status_code == 200
    assert not KeyManagement.objects.exists()


def test_the_badge_shows_on_the_hazard_list(client, city):
    hazard = services.hazard_raise(
        compound=city.compounds["A1"],
        actor=city.street,
        category="fire",
        description="消防通道堆放杂物",
        responsible_party="甲物业公司",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    login(client, city.manager_a)
    hazards = reverse("inspections:hazard_list")
    assert 'data-testid="key-management"' not in client.get(hazards).content.decode()
    put_on(city, "A1")
    assert 'data-testid="key-management"' in client.get(hazards).content.decode()
    detail = reverse("inspections:hazard_detail", args=[hazard.pk])
    assert 'data-testid="key-management"' in client.get(detail).content.decode()


# Query count ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a"])
def test_page_query_count_is_pinned(client, city, who, django_assert_max_num_queries):
    put_on(city, "A1")
    login(client, getattr(city, who))
    with django_assert_max_num_queries(PINNED_LIST) as small:
        assert client.get(LIST).status_code == 200
    for i in range(HISTORY_PAGE_SIZE + 5):
        compound = f.CompoundFactory(community=city.communities[0], code=f"K{i:03d}")
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        services.key_management_enter(compound=compound, actor=city.bureau, reason=f"第{i}次")
        if i % 2:
            services.key_management_leave(compound=compound, actor=city.bureau, reason="已好转")
    with django_assert_max_num_queries(PINNED_LIST) as large:
        response = client.get(LIST)
    assert len(response.context["current"]) > 10
    assert len(response.context["page"].object_list) == HISTORY_PAGE_SIZE
    assert len(large.captured_queries) == len(small.captured_queries)


def test_history_paginates(client, city):
    for i in range(HISTORY_PAGE_SIZE + 2):
        compound = f.CompoundFactory(community=city.communities[0], code=f"H{i:03d}")
        services.key_management_enter(compound=compound, actor=city.bureau, reason="抽查")
    login(client, city.bureau)
    assert len(history_codes(client.get(LIST, {"page": 2}))) == 2
    assert re.search(r'href="\?page=2"', client.get(LIST).content.decode())


def test_the_compounds_on_it_now_are_paged_and_a_refused_take_off_stays_on_its_page(
    client, city, monkeypatch
):
    """A page at a time (``?current=``), longest on first; the heading counts them all; a
    take-off refused on the second page shows that page again with the form open."""
    monkeypatch.setattr("inspections.views.key_management.CURRENT_PAGE_SIZE", 3)
    for i in range(5):
        compound = f.CompoundFactory(community=city.communities[0], code=f"P{i:03d}")
        with time_machine.travel(timezone.now() - datetime.timedelta(days=10 - i)):
            services.key_management_enter(compound=compound, actor=city.bureau, reason="抽查")
    login(client, city.bureau)
    first, second = client.get(LIST), client.get(LIST, {"current": 2})
    order = [s.compound.code for s in (*first.context["current"], *second.context["current"])]
    assert order == ["P000", "P001", "P002", "P003", "P004"]
    assert "目前有 5 个小区纳入重点管理" in first.content.decode()
    assert 'href="?current=2"' in first.content.decode()
    p004 = second.context["current"][-1].compound
    page = second.content.decode()
    assert f'action="{LEAVE}?current=2"' in page
    refused = client.post(f"{LEAVE}?current=2", {"compound": p004.pk, "reason": ""})
    assert refused.status_code == 200
    assert [s.compound.code for s in refused.context["current"]] == ["P003", "P004"]
    assert refused.context["current"][-1].leave_form.errors["reason"]
    assert KeyManagement.objects.active().count() == 5
