"""The admin's search of dispute cases through the number's and the description's pair indexes
and the matching compounds' ids (issue 14, ``DisputeCaseAdmin.get_search_results``): the same
rows as Django's own search for every member of the cast, including those whose search leaves
the description out (it would confirm a guessed name)."""

import pytest
from django.contrib import admin
from django.db import connection

from disputes.models import DisputeCase
from tests.disputes.conftest import register

pytestmark = pytest.mark.django_db

CAST = ["bureau", "street", "community", "manager_a", "manager_b", "viewer_a"]
WORDS = ["漏水", "漏", "水管 漏水", '"漏水"', "王小明", "甲一", "乙二 噪声", "2026", "-0", "无此词"]


@pytest.fixture
def cases(city, today):
    register(city, description="卫生间水管漏水，王小明家天花板受损")
    register(city, compound="A2", description="楼上装修噪声扰民")
    register(city, actor=city.manager_b, compound="B2", description="楼道堆物，噪声")
    register(city, actor=city.manager_b, compound="B1", description="地下车库漏水")
    return city


def searched(request, word, *, djangos=False) -> set[int]:
    model_admin = admin.site._registry[DisputeCase]
    queryset = model_admin.get_queryset(request)
    search = (
        admin.ModelAdmin.get_search_results if djangos else type(model_admin).get_search_results
    )
    found, _duplicates = search(model_admin, request, queryset, word)
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("who", CAST)
def test_the_search_finds_what_djangos_search_finds(cases, rf, who):
    request = rf.get("/admin/")
    request.user = getattr(cases, who)
    found_any = False
    for word in WORDS:
        ours = searched(request, word)
        assert ours == searched(request, word, djangos=True), word
        found_any |= bool(ours)
    assert found_any


def test_the_description_is_searched_only_by_who_may_search_it(cases, rf):
    request = rf.get("/admin/")
    request.user = cases.bureau
    assert len(searched(request, "漏水")) == 2
    request.user = cases.manager_a  # a company: its search leaves the texts out
    assert searched(request, "漏水") == set()


def test_postgresql_reads_the_descriptions_pair_index(cases, rf):
    """On PostgreSQL the search reads ``disputes_disputecase_description_pairs``; SQLite (no
    GIN index) keeps Django's search."""
    request = rf.get("/admin/")
    request.user = cases.bureau
    model_admin = admin.site._registry[DisputeCase]
    # the search's own condition, on the bare table (the scope's joins aside)
    found, _duplicates = model_admin.get_search_results(request, DisputeCase.objects.all(), "漏水")
    sql, params = found.order_by().query.sql_with_params()
    assert ("sc_bigrams" in sql) is (connection.vendor == "postgresql")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: else a scan is cheaper
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disputes_disputecase_description_pairs" in plan, plan
