"""The hazard list's figures kept per scope and filter (issue 14,
``inspections.list_figures``): the next view reads neither the figures nor a count, a hazard
saved shows at once, "for me" is read each time, and the list's count is the figures' total."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services

from .test_hazard_views import raise_hazard

pytestmark = pytest.mark.django_db

LIST = reverse("inspections:hazard_list")


def view(client, user, data=None):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, data or {})
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [q for q in sql if "inspections_hazard" in q and re.search(r"COUNT\(", q)]


def figures(response) -> dict:
    return response.context["figures"]


def test_the_next_view_reads_no_figure_and_no_count(client, city):
    raise_hazard(city)
    first, counted = view(client, city.bureau)
    assert len(counted) == 1  # the figures' one query, whose total is the list's count
    second, again = view(client, city.bureau)
    assert again == []
    assert figures(second) == figures(first)
    assert second.context["page"].paginator.count == figures(second)["total"] == 1


def test_a_hazard_raised_or_rectified_shows_at_the_next_view(client, city):
    hazard = raise_hazard(city)
    view(client, city.bureau)
    raise_hazard(city, "A2", photo=None)
    response, _counted = view(client, city.bureau)
    assert (figures(response)["total"], figures(response)["awaiting_verification"]) == (2, 0)
    services.hazard_rectify(hazard=hazard, actor=None, note="已清理")
    response, _counted = view(client, city.bureau)
    assert figures(response)["awaiting_verification"] == 1


def test_each_scope_and_filter_keeps_its_own(client, city):
    raise_hazard(city, "A1", photo=None)
    raise_hazard(city, "B2", photo=None)
    response, _counted = view(client, city.bureau)
    assert figures(response)["total"] == 2
    response, _counted = view(client, city.manager_a)
    assert figures(response)["total"] == 1
    response, _counted = view(client, city.bureau, {"compound": city.compounds["B2"].pk})
    assert figures(response)["total"] == 1


def test_a_search_is_kept_per_scope_and_word(client, city):
    raise_hazard(city, "A1", photo=None)
    raise_hazard(city, "B2", photo=None)
    first, counted = view(client, city.bureau, {"q": "甲一"})
    second, again = view(client, city.bureau, {"q": "甲一"})
    assert (len(counted), again) == (1, [])
    assert figures(first)["total"] == figures(second)["total"] == 1
    other, _counted = view(client, city.bureau, {"q": "乙二"})
    assert figures(other)["total"] == 1
    mine, _counted = view(client, city.manager_a, {"q": "乙二"})  # another scope: its own
    assert figures(mine)["total"] == 0


def test_the_hazards_for_me_are_counted_each_time(client, city):
    raise_hazard(city)
    _first, counted = view(client, city.manager_a, {"mine": "1"})
    _second, again = view(client, city.manager_a, {"mine": "1"})
    assert len(again) == len(counted) == 1
