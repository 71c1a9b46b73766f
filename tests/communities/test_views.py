"""The workbench pages: login, the home list and the compound page, for the whole cast."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from communities import models as m
from communities.views import HOME_PAGE_SIZE
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS

CAST = list(EXPECTED_COMPOUNDS)
ALL_CODES = sorted(set().union(*EXPECTED_COMPOUNDS.values()))
PASSWORD = "SafeCompound-2026"

HOME = reverse("communities:home")
LOGIN = reverse("login")

# Pinned query counts (session, user, scope, savepoint pair of ATOMIC_REQUESTS, the layout's
# permissions (1) and unread-notification count, then the page's own reads). A change that
# makes a page grow with its rows fails these tests.
# The home: 11 (+ streets, communities, count, rows), and the reports' dashboard above the list
# (tests/reports/test_dashboard.py pins both together at 56): the 12-month trend 24, the key
# figures 4, the bars 3, and what waits for the user up to 14 (a scope with no patrol team 12;
# the registration work list's counts are 6 when the compounds' tallies are computed first, as
# in a test: communities.residents.tallies).
PINNED_HOME = 56
# With the dashboard's figures already kept for the scope (reports.dashboard_cache): the home's
# own 11 and what waits for the user (the registration work list's 2 counts and the missed
# patrols' 3 reads are kept too).
PINNED_HOME_KEPT = 16
# + compound, terms, households, 列管率, then the panels: checks 2, hazards 2, key management 1,
# disputes 1, watch groups 2, patrols 6 (teams, latest logs, the 30 days' figures 4),
# facilities 2; activities none.
PINNED_COMPOUND = 27


def detail_url(code: str) -> str:
    return reverse("communities:compound_detail", kwargs={"code": code})


def codes_on_page(response) -> set[str]:
    return set(re.findall(r'data-code="([^"]+)"', response.content.decode()))


def login(client, user):
    client.force_login(user)
    return client


# Login and logout ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_with_the_product_name_and_a_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>" in html
    assert "平安小区" in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'action="/i18n/setlang/"' in html


def test_logging_in_with_the_password_leads_home(client, city):
    response = client.post(LOGIN, {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert codes_on_page(client.get(HOME)) == EXPECTED_COMPOUNDS["manager_a"]


def test_a_wrong_password_shows_an_error_and_keeps_the_username(client, city):
    response = client.post(LOGIN, {"username": "manager_a", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'value="manager_a"' in html
    assert "_auth_user_id" not in client.session


def test_login_keeps_where_the_user_was_going(client, city):
    response = client.post(
        LOGIN, {"username": "manager_a", "password": PASSWORD, "next": detail_url("A1")}
    )
    assert response["Location"] == detail_url("A1")


def test_logout_is_a_post_and_ends_the_session(client, city):
    login(client, city.manager_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url", [HOME, detail_url("A1"), detail_url("NOPE")])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


# Layout ---------------------------------------------------------------------------------------


def test_layout_shows_user_name_logout_and_my_compounds(client, city):
    html = login(client, city.manager_a).get(HOME).content.decode()
    assert "manager_a" in html
    assert f'action="{reverse("logout")}"' in html
    assert f'href="{HOME}" aria-current="page"' in html


def test_staff_users_get_the_admin_link_and_others_do_not(client, city):
    assert city.manager_a.is_staff
    assert 'href="/admin/"' in login(client, city.manager_a).get(HOME).content.decode()
    client.logout()
    assert not city.nobody.is_staff
    assert 'href="/admin/"' not in login(client, city.nobody).get(HOME).content.decode()


def test_language_switch_turns_the_page_english(client, city):
    login(client, city.manager_a)
    assert '<html lang="zh-hans">' in client.get(HOME).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    assert response["Location"] == HOME
    html = client.get(HOME).content.decode()
    assert '<html lang="en">' in html
    assert "My compounds" in html


# Home: each user sees exactly their compounds -------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_home_shows_each_user_exactly_their_compounds(client, city, who):
    response = login(client, getattr(city, who)).get(HOME)
    assert response.status_code == 200
    assert codes_on_page(response) == EXPECTED_COMPOUNDS[who]
    html = response.content.decode()
    for code, compound in city.compounds.items():
        if code in EXPECTED_COMPOUNDS[who]:
            assert compound.name in html
        else:
            assert compound.name not in html
            assert detail_url(code) not in html


def test_home_shows_the_key_facts_of_a_compound(client, city):
    a1 = city.compounds["A1"]
    a1.household_count, a1.building_count = 321, 12
    a1.title_level, a1.title_year = m.SafeTitleLevel.CITY, 2024
    a1.management_mode = m.ManagementMode.PROPERTY_COMPANY
    a1.save()
    response = login(client, city.manager_a).get(HOME)
    row = next(c for c in response.context["compounds"] if c.code == "A1")
    assert row.current_company_name == "甲物业公司"
    html = response.content.decode()
    start = html.index('data-code="A1"')
    card = html[start : html.index("</tr>", start)]
    for text in ("甲一小区", "幸福社区", "和平街道", "甲物业公司", ">321<", ">12<", "2024"):
        assert text in card
    assert "乙物业公司" not in html  # company B once ran A1; that is not manager A's business


def test_user_without_membership_gets_a_helpful_empty_state(client, city):
    response = login(client, city.nobody).get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="empty-no-membership"' in html
    assert "<table" not in html
    assert 'role="search"' not in html


# Home: search, filters, pagination -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [("甲一", {"A1"}), ("a2", {"A2"}), ("小区", {"A1", "A2"}), ("乙一", set())],
)
def test_manager_searches_by_name_or_code_within_their_compounds(client, city, query, expected):
    response = login(client, city.manager_a).get(HOME, {"q": query})
    assert codes_on_page(response) == expected


def test_a_search_without_results_says_so(client, city):
    html = login(client, city.manager_a).get(HOME, {"q": "不存在"}).content.decode()
    assert 'data-testid="empty-no-match"' in html
    assert 'value="不存在"' in html


def test_bureau_filters_by_street(client, city):
    street1, street2 = city.streets
    login(client, city.bureau)
    assert codes_on_page(client.get(HOME, {"street": street2.pk})) == {"B1"}
    assert codes_on_page(client.get(HOME, {"street": street1.pk})) == {"A1", "A2", "N1", "B2"}


def test_street_office_filters_by_community(client, city):
    community1, community2, _community3 = city.communities
    login(client, city.street)
    assert codes_on_page(client.get(HOME, {"community": community2.pk})) == {"B2"}
    assert codes_on_page(client.get(HOME, {"community": community1.pk, "q": "甲"})) == {
        "A1",
        "A2",
    }


def test_filter_choices_come_from_the_users_scope_only(client, city):
    response = login(client, city.street).get(HOME)
    assert [c.name for c in response.context["communities"]] == ["幸福社区", "团结社区"]
    html = response.content.decode()
    assert "光明社区" not in html
    assert "建设街道" not in html


def test_a_street_outside_the_scope_does_not_widen_the_list(client, city):
    street2 = city.streets[1]
    login(client, city.manager_a)
    response = client.get(HOME, {"street": street2.pk, "community": city.communities[2].pk})
    assert codes_on_page(response) == {"A1", "A2"}
    assert response.context["street_id"] is None
    assert codes_on_page(client.get(HOME, {"street": "x", "page": "zz"})) == {"A1", "A2"}


def test_home_paginates_and_keeps_the_search_in_page_links(client, city):
    for i in range(HOME_PAGE_SIZE + 5):
        compound = f.CompoundFactory(
            community=city.communities[0], code=f"P{i:03d}", name=f"分页小区{i}"
        )
        f.ManagementTermFactory(compound=compound, company=city.company_a)
    login(client, city.manager_a)
    first = client.get(HOME, {"q": "分页"})
    assert len(codes_on_page(first)) == HOME_PAGE_SIZE
    assert first.context["page"].paginator.count == HOME_PAGE_SIZE + 5
    html = first.content.decode()
    assert "?q=%E5%88%86%E9%A1%B5&amp;page=2" in html
    second = client.get(HOME, {"q": "分页", "page": 2})
    assert len(codes_on_page(second)) == 5
    assert codes_on_page(first).isdisjoint(codes_on_page(second))
    everything = login(client, city.manager_a).get(HOME, {"page": 2})
    assert len(codes_on_page(everything)) == 7  # 30 new + A1, A2 = 32 = 25 + 7


# Compound page --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize("who", CAST)
def test_compound_page_is_found_in_scope_and_404_outside(client, city, who, code):
    response = login(client, getattr(city, who)).get(detail_url(code))
    if code in EXPECTED_COMPOUNDS[who]:
        assert response.status_code == 200
        assert city.compounds[code].name in response.content.decode()
    else:
        assert response.status_code == 404
        assert city.compounds[code].name not in response.content.decode()


def test_unknown_compound_is_404(client, city):
    assert login(client, city.bureau).get(detail_url("NO-SUCH")).status_code == 404


def test_compound_page_shows_the_facts(client, city):
    a1 = city.compounds["A1"]
    a1.year_built, a1.has_owners_committee = 1995, True
    a1.save()
    html = login(client, city.manager_a).get(detail_url("A1")).content.decode()
    for text in ("甲一小区", "A1", a1.address, "朝阳示范区", "和平街道", "幸福社区", "1995"):
        assert text in html
    assert "甲物业公司" in html


def test_property_manager_sees_only_their_own_management_terms(client, city):
    response = login(client, city.manager_a).get(detail_url("A1"))
    terms = list(response.context["terms"])
    assert [t.company.name for t in terms] == ["甲物业公司"]
    assert terms[0].is_current
    assert "乙物业公司" not in response.content.decode()


def test_bureau_sees_the_whole_management_history(client, city):
    response = login(client, city.bureau).get(detail_url("A1"))
    terms = list(response.context["terms"])
    assert [(t.company.name, t.is_current) for t in terms] == [
        ("甲物业公司", True),
        ("乙物业公司", False),
    ]
    html = response.content.decode()
    assert "2020-01-01" in html
    assert "2023-12-31" in html


def test_compound_without_company_says_so(client, city):
    response = login(client, city.community).get(detail_url("N1"))
    assert list(response.context["terms"]) == []
    assert response.context["compound"].current_company_name is None


def test_compound_page_sums_up_the_households(client, city):
    a2 = city.compounds["A2"]  # the cast gives it one owner-occupied household of 3 residents
    f.HouseholdFactory(compound=a2, occupancy=m.Occupancy.RENTED, residents=2, floating_residents=2)
    f.HouseholdFactory(compound=a2, occupancy=m.Occupancy.VACANT, residents=0)
    f.HouseholdFactory(compound=city.compounds["A1"], residents=9)  # another compound
    response = login(client, city.manager_a).get(detail_url("A2"))
    summary = response.context["households"]
    assert (
        summary.registered,
        summary.owner_occupied,
        summary.rented,
        summary.vacant,
        summary.residents,
        summary.floating_residents,
    ) == (3, 1, 1, 1, 5, 2)
    html = response.content.decode()
    assert 'data-figure="registered">3<' in html
    assert 'data-figure="residents">5<' in html
    assert "李四" not in html  # no personal data of households on this page


# Query counts do not grow with rows -----------------------------------------------------------


def _grow(city, n=30):
    for i in range(n):
        compound = f.CompoundFactory(
            community=city.communities[i % 2],
            title_level=m.SafeTitleLevel.COUNTY,
            title_year=2025,
        )
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        f.HouseholdFactory(compound=compound)
    a1 = city.compounds["A1"]
    for year in range(2010, 2020):
        f.ManagementTermFactory(
            compound=a1,
            company=city.company_a,
            start=f"{year}-01-01",
            end=f"{year}-12-31",
        )
    for _ in range(n):
        f.HouseholdFactory(compound=a1, occupancy=m.Occupancy.RENTED, floating_residents=1)
    for i in range(5):
        f.CommunityFactory(street=city.streets[0], code=f"110105001{100 + i}")


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a", "nobody"])
def test_home_page_query_count_is_pinned(client, city, who, django_assert_max_num_queries):
    login(client, getattr(city, who))
    with django_assert_max_num_queries(PINNED_HOME) as small:
        assert client.get(HOME).status_code == 200
    with django_assert_max_num_queries(PINNED_HOME_KEPT) as small_kept:
        assert client.get(HOME).status_code == 200
    _grow(city)
    cache.clear()  # the dashboard's figures computed again, at the larger size
    with django_assert_max_num_queries(PINNED_HOME) as large:
        response = client.get(HOME, {"page": 1})
    with django_assert_max_num_queries(PINNED_HOME_KEPT) as large_kept:
        assert client.get(HOME, {"page": 1}).status_code == 200
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_kept.captured_queries) == len(small_kept.captured_queries)
    if who != "nobody":
        assert len(codes_on_page(response)) == HOME_PAGE_SIZE


def _panel_rows(city, n: int, start: int = 0) -> None:
    """For A1, ``n`` of what each panel of the compound page reads: self-checks and
    supervisions, hazards, key-management spells, dispute cases, patrols (ended, in the last 30
    days)."""
    import datetime

    from django.utils import timezone

    from disputes.models import DisputeCase
    from inspections.models import ChecklistTemplate, Hazard, Inspection, KeyManagement
    from patrols.models import PatrolLog, PatrolTeam

    a1, today, now = city.compounds["A1"], timezone.localdate(), timezone.now()
    street = a1.community.street
    team = PatrolTeam.objects.create(
        organisation=city.org.company_a, kind="guards", name=f"保安队{start}"
    )
    team.compounds.add(a1)
    for i in range(start, start + n):
        month = datetime.date(2000 + i, 1, 1)
        for kind in ("self_check", "supervision"):
            Inspection.objects.create(
                compound=a1, template=ChecklistTemplate.objects.current(), period=month, kind=kind
            )
        Hazard.objects.create(
            compound=a1,
            source="other",
            category="fire",
            description="堆物",
            responsible_party="甲",
            deadline=today,
        )
        KeyManagement.objects.create(
            compound=a1, started_on=month, start_reason="抽查", ended_on=month, end_reason="好转"
        )
        DisputeCase.objects.create(
            number=f"pin-{i}",
            street=street,
            year=2000 + i,
            sequence=1,
            compound=a1,
            category="noise",
            source="resident",
            description="噪声",
            level="community",
            status="registered",
            deadline=today,
        )
        started = now - datetime.timedelta(hours=2 + 3 * i)
        log = PatrolLog.objects.create(
            team=team, started_at=started, ended_at=started + datetime.timedelta(hours=1)
        )
        log.compounds.add(a1)


@pytest.mark.parametrize("who", ["bureau", "manager_a"])
def test_compound_page_query_count_is_pinned(client, city, who, django_assert_max_num_queries):
    login(client, getattr(city, who))
    _panel_rows(city, 1)
    with django_assert_max_num_queries(PINNED_COMPOUND) as small:
        assert client.get(detail_url("A1")).status_code == 200
    _grow(city)
    _panel_rows(city, 8, start=1)
    with django_assert_max_num_queries(PINNED_COMPOUND) as large:
        response = client.get(detail_url("A1"))
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["terms"]) >= 11
    assert response.context["households"].registered == 31


def test_out_of_scope_and_unknown_compounds_look_the_same(client, city):
    login(client, city.manager_a)
    for code in ("B1", "NO-SUCH"):
        response = client.get(detail_url(code))
        html = response.content.decode()
        assert response.status_code == 404
        assert 'data-testid="not-found"' in html
        assert "乙一小区" not in html


def test_notifications_page_query_count_does_not_grow_with_rows(client, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communities.notifications import NoticeText, notify, register_notice_texts

    register_notice_texts({"test": NoticeText("第%(n)s条通知")})

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("communities:notifications"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    login(client, city.manager_a)
    notify(users=[city.manager_a], kind="test", params={"n": 1}, url="/")
    small, html = page_queries()
    assert "第1条通知" in html
    for i in range(2, 41):  # more than a page (30)
        notify(users=[city.manager_a], kind="test", params={"n": i}, url="/")
    large, html = page_queries()
    assert "第40条通知" in html and "第1条通知" not in html  # newest first, paginated
    assert large == small
