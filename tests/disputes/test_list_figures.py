"""The dispute list's figures kept per scope and filter (issue 14, ``disputes.list_figures``):
the next view reads no figure query, a case saved or deleted shows at once, a filter that
depends on the user is read each time, and the list's count is the figures' total."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes.models import DisputeCase

from .conftest import register

pytestmark = pytest.mark.django_db

LIST = reverse("disputes:case_list")
FIGURE_QUERIES = 1  # disputes.figures.dispute_figures: one aggregate


def view(client, user, data=None):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, data or {})
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def total(response) -> int:
    return response.context["figures"]["total"]


def counts_cases(sql: str) -> bool:
    return bool(re.search(r"COUNT\(\*\)", sql)) and "disputes_disputecase" in sql


def test_the_next_view_reads_the_kept_figures(client, city):
    register(city, compound="A1")
    first, cold = view(client, city.bureau)
    second, warm = view(client, city.bureau)
    assert cold - warm == FIGURE_QUERIES
    assert second.context["figures"] == first.context["figures"]
    assert total(second) == 1


def parking(response) -> int:
    return next(
        n for value, _label, n in response.context["figures"]["by_category"] if value == "parking"
    )


def test_a_case_registered_or_saved_shows_at_the_next_view(client, city, settings):
    register(city, compound="A1")
    view(client, city.bureau)
    case = register(city, compound="A2")
    response, _queries = view(client, city.bureau)
    assert total(response) == 2
    assert response.context["page"].paginator.count == 2
    DisputeCase.objects.filter(pk=case.pk).update(category="parking")  # no signal: bulk
    response, _queries = view(client, city.bureau)
    assert parking(response) == 0  # kept until LIST_FIGURES_SECONDS …
    case.refresh_from_db()
    case.save()  # … but a save through the ORM shows at once
    response, _queries = view(client, city.bureau)
    assert parking(response) == 1


def test_each_filter_and_scope_keeps_its_own_figures(client, city):
    register(city, compound="A1")
    register(city, compound="B1", actor=city.manager_b)
    response, _queries = view(client, city.bureau)
    assert total(response) == 2
    response, _queries = view(client, city.bureau, {"compound": city.compounds["B1"].pk})
    assert total(response) == 1
    response, _queries = view(client, city.street)  # street 1: A1, not B1 (street 2)
    assert total(response) == 1
    response, _queries = view(client, city.manager_b)
    assert total(response) == 1


def test_a_filter_of_the_users_own_is_read_each_time(client, city):
    register(city, compound="A1")
    _first, cold = view(client, city.bureau, {"mine": "1"})
    _second, again = view(client, city.bureau, {"mine": "1"})
    assert cold == again


def test_the_list_is_counted_by_its_figures_alone(client, city):
    for code in ("A1", "A2", "N1"):
        register(city, city.community, compound=code)
    client.force_login(city.viewer_a)  # not a handler: no count of the cases waiting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    counts = [q["sql"] for q in queries.captured_queries if counts_cases(q["sql"])]
    assert counts == []  # the figures' COUNT("id") … FILTER, no separate COUNT(*)
    assert response.context["page"].paginator.count == total(response) == 2  # A1, A2
