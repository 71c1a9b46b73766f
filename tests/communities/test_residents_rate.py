"""列管率 and the household counts against a fixture computed by hand."""

import datetime

import pytest
import time_machine

from communities.models import Compound, Household, Occupancy, Relation, ResidentKind
from communities.residents.figures import (
    household_counts,
    registration_rate,
    registration_rate_by,
    resident_figures,
    resident_figures_by,
)
from tests import factories as f

TODAY = datetime.date(2026, 6, 15)
F, X, R = ResidentKind.FLOATING, ResidentKind.FOREIGN, ResidentKind.REGISTERED


@pytest.fixture
def world(city):
    """A1: 4 floating present (2 valid, 1 expired, 1 unregistered), 1 moved out (valid, not
    counted), 1 registered resident (not counted). A2: 1 from abroad, valid until today
    (counts), 1 registered in the future (not valid yet). N1: a household without a roster
    (typed counts 5 / 2: not in the rate). B1: nobody to register (no rate)."""
    a1, a2 = city.households["A1"], city.households["A2"]
    registered = {"registered_on": datetime.date(2026, 1, 10), "registered_by": "和平派出所"}
    f.ResidentFactory(household=a1, kind=F, **registered, permit_expires=datetime.date(2027, 1, 1))
    f.ResidentFactory(household=a1, kind=F, **registered)  # no expiry yet: valid
    f.ResidentFactory(household=a1, kind=F, **registered, permit_expires=datetime.date(2026, 6, 14))
    f.ResidentFactory(household=a1, kind=F)  # not registered
    f.ResidentFactory(
        household=a1,
        kind=F,
        **registered,
        moved_in=datetime.date(2025, 1, 1),
        moved_out=datetime.date(2026, 3, 1),
    )
    f.ResidentFactory(household=a1, kind=R)
    f.ResidentFactory(
        household=a2,
        kind=X,
        document_type="passport",
        id_number="E12345678",
        **registered,
        permit_expires=TODAY,
    )
    f.ResidentFactory(
        household=a2,
        kind=F,
        registered_on=datetime.date(2026, 6, 20),
        registered_by="和平派出所",
    )
    n1 = city.households["N1"]
    n1.residents, n1.floating_residents = 5, 2
    n1.save()
    return city


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC))
def test_registration_rate_by_hand(world):
    a_compounds = Compound.objects.filter(code__in=["A1", "A2", "N1"])
    # A1: 2 of 4; A2: 1 of 2 on TODAY (the later registration is not valid yet) → 3 of 6.
    rate = registration_rate(a_compounds, on=TODAY)
    assert (rate.present, rate.registered, rate.unregistered) == (6, 3, 3)
    assert rate.rate == 0.5
    by_compound = registration_rate_by(Compound.objects.all(), "compound", on=TODAY)
    codes = {Compound.objects.get(pk=pk).code: r for pk, r in by_compound.items()}
    assert {code: (r.present, r.registered) for code, r in codes.items()} == {
        "A1": (4, 2),
        "A2": (2, 1),
    }
    assert "N1" not in codes and "B1" not in codes  # no rate, not 0 %
    assert registration_rate(Compound.objects.filter(code="B1"), on=TODAY).rate is None
    # The day after, the A2 permit has expired; on the 20th the later registration counts.
    assert registration_rate(a_compounds, on=TODAY + datetime.timedelta(days=1)).registered == 2
    assert registration_rate(a_compounds, on=datetime.date(2026, 6, 20)).registered == 3
    # On 1 February the A1 resident had not moved out (counted, registered), the A1 permit
    # that expires in June was valid, and the A2 registration of June 20 was not yet made.
    february = registration_rate(a_compounds, on=datetime.date(2026, 2, 1))
    assert (february.present, february.registered) == (7, 5)


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC))
def test_grouped_by_community_and_street(world):
    community = world.communities[0]
    street = world.streets[0]
    by_community = registration_rate_by(Compound.objects.all(), "community", on=TODAY)
    by_street = registration_rate_by(Compound.objects.all(), "street", on=TODAY)
    assert (by_community[community.pk].present, by_community[community.pk].registered) == (6, 3)
    assert by_street[street.pk].rate == 0.5


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC))
def test_household_counts_come_from_the_roster_where_there_is_one(world):
    a1 = Household.objects.get(pk=world.households["A1"].pk)
    counts = household_counts(a1, on=TODAY)
    assert (counts.residents, counts.floating, counts.from_roster) == (5, 4, True)
    n1 = Household.objects.get(pk=world.households["N1"].pk)
    counts = household_counts(n1, on=TODAY)
    assert (counts.residents, counts.floating, counts.from_roster) == (5, 2, False)


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC))
def test_resident_figures_mix_rosters_and_typed_counts(world, django_assert_num_queries):
    world.households["B2"].occupancy = Occupancy.RENTED
    world.households["B2"].save()
    tenant_home = f.HouseholdFactory(
        compound=world.compounds["B2"], building="G5", occupancy=Occupancy.RENTED
    )
    f.ResidentFactory(household=tenant_home, relation=Relation.TENANT, kind=F)
    with django_assert_num_queries(2):
        figures = resident_figures(Compound.objects.filter(code__in=["A1", "A2", "N1"]), TODAY)
    # A1 roster: 5 present; A2 roster: 2 (the later one moved in with no date: present);
    # N1 typed: 5. Floating: 4 + 2 + 2.
    assert (figures.residents, figures.floating) == (12, 8)
    assert (figures.households, figures.occupied, figures.with_roster) == (3, 3, 2)
    assert figures.rate.rate == 0.5
    with django_assert_num_queries(2):
        by_compound = resident_figures_by(Compound.objects.all(), "compound", TODAY)
    b2 = by_compound[world.compounds["B2"].pk]
    # B2: the factory household (typed 3) rented with no tenant; G5 rented with one.
    assert (b2.rented, b2.rented_without_tenant, b2.residents) == (2, 1, 4)
    assert by_compound[world.compounds["B1"].pk].rate.rate is None
