"""Long lists are not counted row by row (issue 14, ``communities.paginators``): above
``EXACT_COUNT_MAX`` rows the workbench's and the admin's lists show PostgreSQL's planner
estimate, marked "约", and send no ``COUNT(*)`` of the list; SQLite, and lists under the limit,
count exactly."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.paginators import EstimatedCountPaginator, planned_rows
from disputes.models import DisputeCase
from tests.disputes.conftest import register

pytestmark = pytest.mark.django_db

PAGES = [reverse("disputes:case_list"), reverse("admin:disputes_disputecase_changelist")]
ON_POSTGRESQL = connection.vendor == "postgresql"


def _counts(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if re.search(r"COUNT\(\*\)", q["sql"], re.I)
        and "disputes_disputecase" in q["sql"]
        and "GROUP BY" not in q["sql"]
    ]


@pytest.fixture
def cases(city):
    made = [register(city, compound=code) for code in ("A1", "A2")]
    return made + [register(city, actor=city.manager_b, compound=code) for code in ("B1", "B2")]


@pytest.mark.parametrize("url", PAGES)
def test_a_long_list_shows_the_estimate_without_counting(client, city, cases, settings, url):
    client.force_login(city.bureau)
    with CaptureQueriesContext(connection) as exact:
        client.get(url)
    settings.EXACT_COUNT_MAX = 0  # every list is "long"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    if url == PAGES[0]:  # the workbench list is counted by its figures' total: exact, no plan
        assert 'data-testid="count-estimated"' not in html
        assert not any(q.startswith("EXPLAIN") for q in sql)
        assert not any(re.search(r"LIMIT 1\b", q) for q in _counts(captured.captured_queries))
    elif ON_POSTGRESQL:  # counted up to the limit only, then the planner's estimate
        assert 'data-testid="count-estimated"' in html and "约" in html
        assert any(q.startswith("EXPLAIN") and "disputes_disputecase" in q for q in sql)
        assert any(
            re.search(r"COUNT\(\*\).*LIMIT 1\b", q, re.S)
            for q in _counts(captured.captured_queries)
        )
    else:  # the embedded database counts exactly
        assert 'data-testid="count-estimated"' not in html
        assert len(_counts(captured.captured_queries)) == len(_counts(exact.captured_queries))


@pytest.mark.parametrize("url", PAGES)
def test_a_short_list_is_counted_exactly(client, city, cases, url):
    client.force_login(city.bureau)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    html = response.content.decode()
    assert 'data-testid="count-estimated"' not in html
    assert _counts(captured.captured_queries)  # COUNT(*) under the limit
    assert "4" in re.sub(r"<[^>]+>", " ", html)


def test_the_paginator_counts_exactly_under_the_limit_and_estimates_above(cases, settings):
    queryset = DisputeCase.objects.all()
    exact = EstimatedCountPaginator(queryset, 2)
    assert (exact.count, exact.estimated) == (4, False)
    settings.EXACT_COUNT_MAX = 0
    paginator = EstimatedCountPaginator(queryset, 2)
    if ON_POSTGRESQL:
        assert paginator.count == planned_rows(queryset) and paginator.count >= 1
        assert paginator.estimated
    else:
        assert planned_rows(queryset) is None
        assert (paginator.count, paginator.estimated) == (4, False)
    assert EstimatedCountPaginator([1, 2, 3], 2).count == 3  # a list is simply counted


def test_an_estimated_list_pages_past_a_low_estimate():
    """The planner guessed 4 rows of 10: every row stays reachable, "next" while pages are full."""
    paginator = EstimatedCountPaginator(list(range(10)), 3)
    paginator.__dict__["count"] = 4  # as if estimated
    paginator.estimated = True
    assert paginator.num_pages == 2
    third = paginator.get_page(3)
    assert (list(third.object_list), third.has_next()) == ([6, 7, 8], True)
    last = paginator.get_page(4)
    assert (list(last.object_list), last.has_next()) == ([9], False)
    assert list(paginator.get_page("x").object_list) == [0, 1, 2]  # not a number: the first
    assert list(paginator.get_page(0).object_list) == [3, 4, 5]  # below 1: the last estimated


def test_an_estimated_list_serves_its_first_pages_only(settings):
    """Past ``LIST_DEPTH_MAX`` rows a long list's page is its deepest one, marked capped."""
    settings.LIST_DEPTH_MAX = 6
    paginator = EstimatedCountPaginator(list(range(100)), 3)
    paginator.__dict__["count"] = 1_000_000  # as if estimated: far more than served
    paginator.estimated = True
    assert (paginator.deepest_page, paginator.num_pages) == (2, 2)
    second = paginator.get_page(2)
    assert (list(second.object_list), second.has_next(), paginator.capped) == (
        [3, 4, 5],
        False,
        False,
    )
    deep = paginator.get_page(10_000)
    assert (deep.number, list(deep.object_list), deep.has_next()) == (2, [3, 4, 5], False)
    assert paginator.capped
    assert list(paginator.get_elided_page_range(10_000)) == [1, 2]


def test_a_list_counted_under_the_limit_is_never_capped(settings):
    settings.LIST_DEPTH_MAX = 6
    paginator = EstimatedCountPaginator(list(range(100)), 3)
    last = paginator.get_page(34)
    assert (paginator.num_pages, list(last.object_list), paginator.capped) == (34, [99], False)


def test_a_known_count_is_not_counted_again_and_past_the_limit_is_capped(settings):
    settings.EXACT_COUNT_MAX, settings.LIST_DEPTH_MAX = 50, 6
    paginator = EstimatedCountPaginator(list(range(100)), 3, count=100)
    assert (paginator.count, paginator.estimated, paginator.is_long) == (100, False, True)
    deep = paginator.get_page(30)
    assert (deep.number, list(deep.object_list), deep.has_next(), paginator.capped) == (
        2,
        [3, 4, 5],
        False,
        True,
    )


@pytest.mark.parametrize("url", PAGES)
def test_a_deep_page_of_a_long_list_asks_for_a_filter(client, city, cases, settings, url):
    client.force_login(city.bureau)
    parameter = "p" if "admin" in url else "page"
    response = client.get(url, {parameter: 3})
    assert 'data-testid="pages-capped"' not in response.content.decode()
    settings.EXACT_COUNT_MAX = 0  # every list is "long" (estimated on PostgreSQL)
    settings.LIST_DEPTH_MAX = 1  # one row a page at most, so page 1 is the deepest served
    response = client.get(url, {parameter: 3})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="pages-capped"' in html
    assert "仅显示前 1 页" in html or "Only the first 1 page " in html


def test_a_deep_page_reads_its_ids_first_and_gives_the_same_rows(cases, monkeypatch):
    from communities import paginators

    queryset = DisputeCase.objects.order_by("-registered_at", "-pk")
    expected = list(queryset[2:4])
    monkeypatch.setattr(paginators, "DEFERRED_FROM", 2)
    paginator = EstimatedCountPaginator(queryset, 2)
    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(2).object_list)
    assert rows == expected
    sql = [q["sql"] for q in queries.captured_queries if "COUNT" not in q["sql"]]
    assert len(sql) == 2  # the page's ids, then its rows
    assert "IN (" in sql[1] and "OFFSET" not in sql[1]
    assert list(paginator.page(1).object_list) == list(queryset[:2])  # shallow: one read
