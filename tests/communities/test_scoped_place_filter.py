"""The admin's place filters offer the user's own streets and communities
(``communities.admin.scoped_filter``), not the distinct places of every row of a province's
list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.disputes.conftest import register

pytestmark = pytest.mark.django_db

CASES = reverse("admin:disputes_disputecase_changelist")


def street_choices(html: str) -> set[str]:
    return set(re.findall(r"street__id__exact=\d+[^>]*>([^<]+)</a>", html))


def test_the_case_list_offers_the_users_streets_without_reading_the_cases(client, city):
    register(city, compound="A1")  # street 1 only: street 2 has no case
    client.force_login(city.bureau)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CASES)
    assert response.status_code == 200
    assert street_choices(response.content.decode()) == {"和平街道", "建设街道"}
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)


def test_a_street_office_is_offered_no_other_street(client, city):
    own = register(city, compound="A1")
    register(city, actor=city.manager_b, compound="B1")  # street 2
    client.force_login(city.street)
    response = client.get(CASES)
    assert street_choices(response.content.decode()) == set()  # one street: no filter shown
    assert list(response.context["cl"].result_list) == [own]
    # naming street 2 in the address shows none of its cases (a filter with one choice is not
    # shown, and Django then leaves its parameter unused: the list stays the office's own)
    response = client.get(CASES, {"street__id__exact": city.streets[1].pk})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]
