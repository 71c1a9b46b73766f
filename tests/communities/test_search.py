"""Searching texts through their pairs of characters (issue 14, ``communities.search``): the
same rows as ``icontains`` whatever is typed, read through the pair index on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import search
from disputes.models import DisputeCase
from tests.disputes.conftest import register

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
TEXTS = ["楼上漏水上", "上漏水上", "Noise 噪声 扰民", "停车位被占", "漏"]
WORDS = [
    "漏水",
    "上漏",
    "水上漏",
    "漏水上漏",
    "NOISE",
    "noise 噪",
    "噪声扰",
    "车位",
    "漏",
    "",
    "无此词",
]


@pytest.fixture
def described(city):
    cases = [register(city, compound="A1", description=text) for text in TEXTS]
    return {case.pk: case.description for case in cases}


@pytest.mark.parametrize("word", WORDS)
def test_a_text_search_finds_what_icontains_finds(described, word):
    cases = DisputeCase.objects.filter(pk__in=described)
    plain = set(cases.filter(description__icontains=word).values_list("pk", flat=True))
    found = set(cases.filter(search.any_of(search.text_part("description", word))))
    assert {case.pk for case in found} == plain
    assert plain == {pk for pk, text in described.items() if word.upper() in text.upper()}


def test_pairs_all_present_but_apart_are_not_a_match(described):
    # 上漏水上 holds 漏水, 水上 and 上漏, the pairs of 漏水上漏, but not the word itself
    cases = DisputeCase.objects.filter(pk__in=described)
    assert not cases.filter(search.any_of(search.text_part("description", "漏水上漏"))).exists()


def test_the_index_is_asked_on_postgresql_only_and_for_two_characters_or_more(described):
    cases = DisputeCase.objects.filter(pk__in=described)
    for word, pairs in (("漏水", ON_POSTGRESQL), ("漏", False)):
        with CaptureQueriesContext(connection) as queries:
            list(cases.filter(search.any_of(search.text_part("description", word))))
        assert ("sc_bigrams" in queries.captured_queries[-1]["sql"]) is pairs


def test_the_case_list_search_finds_by_number_description_or_compound(client, city):
    leak = register(city, compound="A1", description="楼上漏水")
    noise = register(city, compound="A2", description="夜间噪声")
    client.force_login(city.community)  # sees the parties in full: the description is searched

    def listed(q) -> set[int]:
        response = client.get(reverse("disputes:case_list"), {"q": q})
        assert response.status_code == 200
        return {case.pk for case in response.context["cases"]}

    assert listed("漏水") == {leak.pk}
    assert listed(noise.number[-6:]) == {noise.pk}
    assert listed("甲二") == {noise.pk}  # the compound 甲二小区
    assert listed("小区") == {leak.pk, noise.pk}


def test_too_many_compounds_matching_are_searched_through_the_join(city, monkeypatch):
    monkeypatch.setattr(search, "IDS_MATCHED_MAX", 1)
    register(city, compound="A1")
    register(city, compound="A2")
    found, exact = search.compound_part(city.bureau, "小区")
    assert found is None  # no index finds a join: the "or" reads the exact parts alone
    both = search.any_of(search.text_part("description", "小区"), (found, exact))
    assert "sc_bigrams" not in str(DisputeCase.objects.filter(both).query)
    cases = DisputeCase.objects.filter(search.any_of((found, exact)))
    assert cases.count() == 2
    one = search.compound_part(city.bureau, "甲二")
    assert (one[0] is None) is not search.indexed()  # one id, on PostgreSQL
    assert DisputeCase.objects.filter(search.any_of(one)).count() == 1
