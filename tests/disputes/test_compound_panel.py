"""The compound page's disputes section (disputes/panel.py): A1's cases by stage, each figure a
link to the case list narrowed to A1 and that stage; counts only (no party), nothing for a role
without the view permission, one query whatever the number of cases.

Today is Monday 2 November 2026 (tests/disputes/conftest.py). A1's cases: registered (due 10
November), accepted (due 30 October: overdue), two mediating (one due 1 October: overdue),
escalated, resolved on 1 March 2026 and on 20 December 2025, withdrawn. A2 has an overdue case
of its own, B1 (company B) another.
"""

import datetime
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from communities.scoping import scope_for
from disputes.models import Category, DisputeCase, Level, Party, Source, Status
from disputes.panel import compound_panel

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
_sequence = iter(range(1, 10_000))


def case(compound, status, deadline, closed_at=None):
    n = next(_sequence)
    street = compound.community.street
    return DisputeCase.objects.create(
        number=f"{street.code}-2026-{n:04d}",
        street=street,
        year=2026,
        sequence=n,
        compound=compound,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上噪声扰民",
        level=Level.COMMUNITY,
        status=status,
        deadline=deadline,
        closed_at=closed_at,
    )


@pytest.fixture
def cases(city, today):
    a1 = city.compounds["A1"]
    rows = {
        "registered": case(a1, Status.REGISTERED, D(2026, 11, 10)),
        "accepted": case(a1, Status.ACCEPTED, D(2026, 10, 30)),
        "mediating": case(a1, Status.MEDIATING, D(2026, 11, 20)),
        "mediating_late": case(a1, Status.MEDIATING, D(2026, 10, 1)),
        "escalated": case(a1, Status.ESCALATED, D(2026, 11, 30)),
        "resolved": case(
            a1, Status.RESOLVED, D(2026, 3, 5), datetime.datetime(2026, 3, 1, 10, tzinfo=SHANGHAI)
        ),
        "resolved_last_year": case(
            a1,
            Status.RESOLVED,
            D(2025, 12, 25),
            datetime.datetime(2025, 12, 20, 10, tzinfo=SHANGHAI),
        ),
        "withdrawn": case(a1, Status.WITHDRAWN, D(2026, 9, 1)),
        "a2": case(city.compounds["A2"], Status.REGISTERED, D(2026, 10, 1)),
        "b1": case(city.compounds["B1"], Status.REGISTERED, D(2026, 10, 1)),
    }
    Party.objects.create(
        case=rows["registered"], role="applicant", name="王小明", phone="13812345678"
    )
    return rows


def page(client, user, code="A1"):
    client.force_login(user)
    return client.get(reverse("communities:compound_detail", args=[code]))


def section(html: str) -> str:
    found = re.search(r'<section[^>]*data-panel="disputes".*?</section>', html, re.S)
    assert found, "no disputes section"
    return found.group(0)


def list_url(compound, **query) -> str:
    return f"{reverse('disputes:case_list')}?{urlencode({'compound': compound.pk, **query})}"


def test_the_section_counts_the_compounds_cases_by_stage(client, city, cases):
    html = section(page(client, city.community).content.decode())
    figures = dict(re.findall(r'data-figure="(cases_\w+)"><a[^>]*>(\d+)', html))
    assert figures == {"cases_open": "5", "cases_overdue": "2", "cases_resolved_this_year": "1"}
    stages = dict(re.findall(r'data-stage="(\w+)">.*?data-count>(\d+)<', html))
    assert stages == {"registered": "1", "accepted": "1", "mediating": "2", "escalated": "1"}
    assert "2026" in html  # "resolved in 2026"


def test_every_figure_links_to_the_list_narrowed_to_the_compound(client, city, cases):
    a1 = city.compounds["A1"]
    html = section(page(client, city.community).content.decode()).replace("&amp;", "&")
    for query in (
        {"status": "open"},
        {"overdue": "on"},
        {"status": "resolved"},
        {"status": "mediating"},
        {},
    ):
        assert f'href="{list_url(a1, **query)}"' in html, query
    assert f"{reverse('disputes:case_register')}?compound={a1.pk}" in html


def test_the_linked_list_shows_the_cases_counted(client, city, cases):
    client.force_login(city.community)
    a1 = city.compounds["A1"]
    listed = client.get(reverse("disputes:case_list"), {"compound": a1.pk, "overdue": "on"})
    assert {c.pk for c in listed.context["cases"]} == {
        cases["accepted"].pk,
        cases["mediating_late"].pk,
    }


def test_no_party_is_shown(client, city, cases):
    html = page(client, city.manager_a).content.decode()
    assert "王小明" not in html and "13812345678" not in html
    assert 'data-panel="disputes"' in html


def test_another_companys_manager_gets_404(client, city, cases):
    assert page(client, city.manager_b).status_code == 404


def test_a_role_without_the_view_permission_gets_no_section(client, city, cases):
    Group.objects.get(name="role:company:admin").permissions.remove(
        Permission.objects.get(content_type__app_label="disputes", codename="view_disputecase")
    )
    html = page(client, city.manager_a).content.decode()
    assert 'data-panel="disputes"' not in html
    assert page(client, city.community).content.decode().count('data-panel="disputes"') == 1


def test_the_section_reads_one_query_whatever_the_number_of_cases(
    city, cases, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = city.street
    request.user.has_perm("disputes.view_disputecase")  # the page has read these already
    scope_for(request.user)
    a1 = city.compounds["A1"]
    with django_assert_num_queries(1):
        small = compound_panel(request, a1)
    for _i in range(20):
        case(a1, Status.MEDIATING, D(2026, 10, 1))
    with django_assert_num_queries(1):
        large = compound_panel(request, a1)
    assert (small["counts"]["overdue"], large["counts"]["overdue"]) == (2, 22)
