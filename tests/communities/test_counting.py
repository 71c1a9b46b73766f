"""``communities.counting``: several querysets counted, or aggregated, in one statement, each as
its own ``count()`` or ``aggregate()`` would."""

import pytest
from django.db.models import Avg, Count, Sum

from communities.counting import aggregates_each, counts
from communities.models import Compound, Household

pytestmark = pytest.mark.django_db


def test_several_counts_in_one_query(city, django_assert_num_queries):
    visible = Compound.objects.visible_to(city.street)
    named = Compound.objects.filter(name__contains="甲")  # a parameter in the SQL
    homes = Household.objects.visible_to(city.manager_a).select_related("compound")
    expected = [visible.count(), named.count(), homes.count(), 0]
    assert expected[:3] == [4, 2, 2]  # the cast: A1, A2, N1, B2; 甲一, 甲二; A1's and A2's homes
    with django_assert_num_queries(1):
        assert counts(visible, named, homes, Compound.objects.none()) == expected


def test_several_aggregates_in_one_query(city, django_assert_num_queries):
    """Each part as its own ``aggregate()`` gives it, in order; ``none()`` gives ``{}`` (the
    figures' defaults)."""
    visible = Compound.objects.visible_to(city.street)
    sums = {"n": Count("pk"), "households": Sum("household_count"), "built": Avg("year_built")}
    parts = [
        (visible, sums),
        (Compound.objects.filter(name__contains="甲"), sums),
        (Compound.objects.filter(code="nowhere"), sums),
        (Compound.objects.none(), sums),
        (Compound.objects.visible_to(city.manager_a), sums),
    ]
    expected = [rows.aggregate(**aggregates) for rows, aggregates in parts]
    assert [e["n"] for e in expected] == [
        4,
        2,
        0,
        0,
        2,
    ]  # A1, A2, N1, B2; 甲一, 甲二; none; none; A1, A2
    with django_assert_num_queries(1):
        found = aggregates_each(parts)
    assert found[:2] + found[4:] == expected[:2] + expected[4:]
    assert found[2] == expected[2]  # no row matched: one row of zeros and nothing, as aggregate()
    assert found[3] == {}  # none(): not asked at all
