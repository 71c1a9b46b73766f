"""``communities.counting.counts``: several querysets counted in one statement, each as its
own ``count()`` would."""

import pytest

from communities.counting import counts
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
