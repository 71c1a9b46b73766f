"""The one scoping rule, for every member of the cast and every register model."""

import pytest

from communities import models as m
from communities.scoping import compounds_visible_to, scope_for
from tests.conftest import EXPECTED_COMPOUNDS

CAST = list(EXPECTED_COMPOUNDS)


@pytest.mark.parametrize("who", CAST)
def test_each_user_sees_exactly_their_compounds(city, who):
    user = getattr(city, who)
    codes = set(compounds_visible_to(user).values_list("code", flat=True))
    assert codes == EXPECTED_COMPOUNDS[who]


@pytest.mark.parametrize("who", CAST)
def test_households_follow_the_compounds(city, who):
    user = getattr(city, who)
    codes = set(m.Household.objects.visible_to(user).values_list("compound__code", flat=True))
    assert codes == EXPECTED_COMPOUNDS[who]


def test_anonymous_user_sees_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    assert not compounds_visible_to(AnonymousUser()).exists()
    assert scope_for(AnonymousUser()).is_empty


def test_superuser_sees_everything(city):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert compounds_visible_to(root).count() == 5


def test_manager_a_sees_only_company_a_and_its_terms(city):
    companies = set(m.PropertyCompany.objects.visible_to(city.manager_a))
    assert companies == {city.company_a}
    terms = m.ManagementTerm.objects.visible_to(city.manager_a)
    assert {t.company for t in terms} == {city.company_a}


def test_street_office_sees_companies_working_in_its_street(city):
    companies = set(m.PropertyCompany.objects.visible_to(city.street))
    assert companies == {city.company_a, city.company_b}  # B runs B2 in street 1


def test_regions_seen_by_manager_b_are_those_of_its_compounds(city):
    streets = set(m.Street.objects.visible_to(city.manager_b).values_list("code", flat=True))
    communities = set(m.Community.objects.visible_to(city.manager_b).values_list("code", flat=True))
    districts = list(m.District.objects.visible_to(city.manager_b))
    assert streets == {"110105001", "110105002"}
    assert communities == {"110105001002", "110105002001"}
    assert districts == [city.district]


def test_street_office_sees_its_street_and_communities_only(city):
    streets = set(m.Street.objects.visible_to(city.street).values_list("code", flat=True))
    communities = set(m.Community.objects.visible_to(city.street).values_list("code", flat=True))
    assert streets == {"110105001"}
    assert communities == {"110105001001", "110105001002"}


def test_a_company_that_stops_managing_a_compound_loses_it(city):
    term = city.compounds["A2"].management_terms.get(company=city.company_a)
    term.end = term.start
    term.save()
    assert set(compounds_visible_to(city.manager_a).values_list("code", flat=True)) == {"A1"}


def test_memberships_and_organisations_are_scoped(city):
    orgs = set(m.Organisation.objects.visible_to(city.manager_a))
    assert orgs == {city.org.company_a}
    members = set(
        m.Membership.objects.visible_to(city.manager_a).values_list("user__username", flat=True)
    )
    assert members == {"manager_a", "viewer_a"}
    bureau_orgs = m.Organisation.objects.visible_to(city.bureau).count()
    assert bureau_orgs == 5


def test_scope_is_read_with_one_query_and_cached(city, django_assert_num_queries):
    user = type(city.bureau).objects.get(pk=city.bureau.pk)
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)
