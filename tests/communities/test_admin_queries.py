"""Admin list pages run a fixed number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.services import membership_set
from tests import factories as f

# Pinned per page for the bureau admin (session, user, scope, permissions, savepoints, count,
# rows, filters). A change that makes a page grow with its rows fails the equality below.
PINNED = {
    "district": 9,
    "street": 10,
    "community": 10,
    "compound": 11,
    "propertycompany": 10,
    "managementterm": 12,
    "household": 11,  # with the audit entry: names and phones shown in full
    "organisation": 9,
    "membership": 9,
}
CHANGELISTS = list(PINNED)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(city, n=40):
    community = city.communities[0]
    for _ in range(n):
        compound = f.CompoundFactory(community=community)
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        f.HouseholdFactory(compound=compound)
        f.HouseholdFactory(compound=compound)
    for i in range(5):
        f.CommunityFactory(street=city.streets[0], code=f"110105001{100 + i}")
        f.PropertyCompanyFactory(district=city.district)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(client, city, model):
    client.force_login(city.bureau)
    url = reverse(f"admin:communities_{model}_changelist")
    small = _count(client, url)
    _grow(city)
    large = _count(client, url)
    assert large == small
    assert large <= PINNED[model]


def test_user_changelist_queries_do_not_grow(client, city):
    client.force_login(city.bureau)
    url = reverse("admin:auth_user_changelist")
    small = _count(client, url)
    for _ in range(20):
        membership_set(user=f.UserFactory(), organisation=city.org.company_a)
    assert _count(client, url) == small <= 9


@pytest.mark.parametrize("who", ["manager_a", "street"])
def test_scoped_users_pages_are_as_cheap(client, city, who):
    client.force_login(getattr(city, who))
    url = reverse("admin:communities_household_changelist")
    small = _count(client, url)
    _grow(city)
    assert _count(client, url) == small <= PINNED["household"]
