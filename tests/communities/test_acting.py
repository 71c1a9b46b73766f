"""Who acts for a compound (communities.acting): one rule, in its per-compound and
whole-queryset forms, used by hazards, self-checks, disputes and their notices."""

import datetime

import pytest
from django.utils import timezone

from communities.acting import (
    EVERY_KIND,
    acting_for_q,
    acting_kinds,
    organisations_acting_for,
    users_acting_for,
)
from communities.models import Compound, OrganisationKind, Role
from communities.scoping import scope_for
from communities.services import membership_set
from tests import factories as f

K = OrganisationKind
CAST = ("bureau", "street", "community", "manager_a", "manager_b", "viewer_a", "nobody")


def names(users):
    return {u.username for u in users}


def test_each_level_of_a_company_run_compound(city):
    a1 = city.compounds["A1"]
    assert names(users_acting_for(a1, (K.PROPERTY_COMPANY,))) == {"manager_a"}
    assert names(users_acting_for(a1, (K.COMMUNITY_COMMITTEE,))) == {"community"}
    assert names(users_acting_for(a1, (K.STREET_OFFICE,))) == {"street"}
    assert names(users_acting_for(a1, (K.BUREAU,))) == {"bureau"}
    assert names(users_acting_for(a1)) == {"manager_a", "community", "street", "bureau"}


def test_a_past_company_and_viewers_do_not_act(city):
    # Company B ran A1 until 2023 (a past term); viewer_a looks but does not act.
    acting = names(users_acting_for(city.compounds["A1"]))
    assert "manager_b" not in acting and "viewer_a" not in acting


def test_a_compound_without_a_company_or_a_street_office(city):
    assert not users_acting_for(city.compounds["N1"], (K.PROPERTY_COMPANY,)).exists()
    # B1 lies in street 2, which has no street office in the cast.
    assert names(users_acting_for(city.compounds["B1"])) == {"manager_b", "bureau"}


def test_a_new_term_moves_the_company_the_day_it_starts(city, time_machine):
    a2 = city.compounds["A2"]
    term = a2.management_terms.get(company=city.company_a)
    today = timezone.localdate()
    term.end = today
    term.save()
    f.ManagementTermFactory(
        compound=a2, company=city.company_b, start=today + datetime.timedelta(days=1)
    )
    assert names(users_acting_for(a2, (K.PROPERTY_COMPANY,))) == {"manager_a"}
    time_machine.move_to(today + datetime.timedelta(days=2))
    assert names(users_acting_for(a2, (K.PROPERTY_COMPANY,))) == {"manager_b"}


def test_inactive_users_do_not_act(city):
    city.street.is_active = False
    city.street.save()
    assert not users_acting_for(city.compounds["A1"], (K.STREET_OFFICE,)).exists()


def test_organisations_are_the_ones_of_the_compounds_area(city):
    orgs = organisations_acting_for(city.compounds["B2"], EVERY_KIND)
    assert set(orgs) == {city.org.company_b, city.org.street, city.org.bureau}


@pytest.mark.parametrize("kinds", [(k,) for k in EVERY_KIND] + [EVERY_KIND])
def test_the_queryset_form_agrees_with_the_per_compound_form(city, kinds):
    for username in CAST:
        user = getattr(city, username)
        by_q = set(Compound.objects.filter(acting_for_q(user, kinds, compound="")))
        by_compound = {
            c for c in Compound.objects.all() if users_acting_for(c, kinds).filter(pk=user.pk)
        }
        assert by_q == by_compound, username


def test_acting_kinds_name_what_a_user_acts_for(city):
    assert acting_kinds(city.bureau) == {K.BUREAU}
    assert acting_kinds(city.viewer_a) == set()
    assert acting_kinds(city.nobody) == set()
    membership_set(user=city.manager_a, organisation=city.org.street, role=Role.STAFF)
    assert acting_kinds(city.manager_a) == {K.PROPERTY_COMPANY, K.STREET_OFFICE}


def test_a_user_who_belongs_only_to_a_company_is_a_property_of_the_scope(city):
    assert scope_for(city.manager_a).company_only
    assert scope_for(city.viewer_a).company_only
    assert not scope_for(city.street).company_only
    assert not scope_for(city.nobody).company_only
    membership_set(user=city.manager_b, organisation=city.org.community, role=Role.VIEWER)
    user = type(city.manager_b).objects.get(pk=city.manager_b.pk)
    assert not scope_for(user).company_only and scope_for(user).has_area
