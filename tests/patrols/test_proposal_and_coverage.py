""" "Propose groups" and watch-group coverage, against hand-worked layouts."""

import pytest

from communities.models import Compound
from patrols.coverage import Coverage, watch_group_coverage, watch_group_coverage_by
from patrols.proposal import propose_groups
from tests import factories as f

pytestmark = pytest.mark.django_db


def addresses(groups):
    return [[f"{h.building}-{h.unit}-{h.room}" for h in group] for group in groups]


def test_units_are_not_split_and_rooms_come_in_natural_order(city, make_rooms):
    compound = city.compounds["A2"]
    # Building G8: unit 1 has 6 rooms, unit 2 has 4, unit 3 has 6, unit 4 has 3.
    make_rooms(
        compound,
        {
            ("G8", "1"): ["1001", "102", "201", "202", "301", "101"],
            ("G8", "2"): ["101", "102", "201", "202"],
            ("G8", "3"): ["101", "102", "201", "202", "301", "302"],
            ("G8", "4"): ["101", "102", "201"],
        },
    )
    groups = addresses(propose_groups(compound, building="G8"))
    # 6 + 4 = 10 (the target), then 6 + 3 = 9: no unit cut in two.
    assert groups == [
        ["G8-1-101", "G8-1-102", "G8-1-201", "G8-1-202", "G8-1-301", "G8-1-1001",
         "G8-2-101", "G8-2-102", "G8-2-201", "G8-2-202"],
        ["G8-3-101", "G8-3-102", "G8-3-201", "G8-3-202", "G8-3-301", "G8-3-302",
         "G8-4-101", "G8-4-102", "G8-4-201"],
    ]  # fmt: skip


def test_existing_groups_and_vacant_rooms_are_left_alone(city, make_rooms, make_group):
    compound = city.compounds["A2"]
    rows = make_rooms(
        compound,
        {
            ("G8", "1"): [str(n) for n in range(101, 109)],
            ("G8", "2"): [str(n) for n in range(101, 109)],
        },
        vacant={"G8-2-108"},
    )
    make_group(city.manager_a, compound, [rows[f"G8-1-{n}"] for n in range(101, 106)])
    groups = addresses(propose_groups(compound, building="G8"))
    # G8-1-106..108 (3) and G8-2-101..107 (7, one vacant left out) make one group of 10.
    assert groups == [["G8-1-106", "G8-1-107", "G8-1-108"] + [f"G8-2-{n}" for n in range(101, 108)]]


def test_a_unit_larger_than_the_maximum_is_cut_evenly(city, make_rooms):
    compound = city.compounds["A2"]
    make_rooms(compound, {("G9", "1"): [str(n) for n in range(101, 123)]})  # 22 rooms
    sizes = [len(g) for g in propose_groups(compound, building="G9")]
    assert sizes == [8, 7, 7]  # ceil(22 / 10) = 3 runs


def test_a_small_last_building_joins_the_group_before(city, make_rooms):
    compound = f.CompoundFactory(community=city.communities[0], code="P1")
    make_rooms(
        compound,
        {("G8", "1"): [str(n) for n in range(101, 111)], ("G9", "1"): ["101", "102"]},
    )
    groups = addresses(propose_groups(compound))
    assert len(groups) == 1 and len(groups[0]) == 12
    assert groups[0][-2:] == ["G9-1-101", "G9-1-102"]


def test_too_few_households_propose_nothing(city, make_rooms):
    make_rooms(city.compounds["A2"], {("G8", "1"): ["101", "102", "103"]})
    assert propose_groups(city.compounds["A2"], building="G8") == []


def test_the_whole_compound_is_proposed_building_by_building(city, make_rooms):
    compound = f.CompoundFactory(community=city.communities[0], code="P2")
    make_rooms(
        compound,
        {
            ("10", "1"): [str(n) for n in range(101, 111)],
            ("2", "1"): [str(n) for n in range(101, 109)],
            ("1", "1"): ["101", "102"],
        },
    )
    groups = addresses(propose_groups(compound))
    buildings = [sorted({a.split("-")[0] for a in group}, key=int) for group in groups]
    # Building 1 is too small for a group alone and joins building 2; building 10 comes after
    # 2 (natural order) and makes its own group.
    assert buildings == [["1", "2"], ["10"]]
    assert [len(g) for g in groups] == [10, 10]


def test_coverage_counts_occupied_households_in_active_groups(city, make_rooms, make_group):
    a1, a2 = city.compounds["A1"], city.compounds["A2"]
    rows = make_rooms(a1, {("G5", "1"): [str(n) for n in range(101, 111)]}, vacant={"G5-1-110"})
    make_rooms(a2, {("G5", "1"): ["101", "102"]}, vacant={"G5-1-102"})
    group = make_group(city.manager_a, a1, [rows[f"G5-1-{n}"] for n in range(101, 107)])
    # A1: 9 occupied in building G5 + the factory's one = 10, of which 6 covered.
    assert watch_group_coverage(Compound.objects.filter(pk=a1.pk)) == Coverage(10, 6)
    by_compound = watch_group_coverage_by(Compound.objects.filter(pk__in=[a1.pk, a2.pk]))
    assert by_compound[a1.pk] == Coverage(10, 6)
    assert by_compound[a2.pk] == Coverage(2, 0)  # the factory's household + G5-1-101
    by_street = watch_group_coverage_by(Compound.objects.all(), "street")
    # Street 1 holds A1, A2, N1, B2: 10 + 2 + 1 + 1 occupied.
    assert by_street[city.streets[0].pk] == Coverage(14, 6)
    assert by_street[city.streets[1].pk] == Coverage(1, 0)
    district = watch_group_coverage_by(Compound.objects.all(), "district")[city.district.pk]
    assert (district.occupied, district.covered) == (15, 6)
    assert round(district.rate, 3) == 0.4
    from patrols.watch_groups import group_dissolve

    group_dissolve(actor=city.manager_a, group=group)
    assert watch_group_coverage(Compound.objects.filter(pk=a1.pk)) == Coverage(10, 0)


def test_an_empty_scope_has_no_rate(city):
    empty = watch_group_coverage(Compound.objects.none())
    assert empty == Coverage(0, 0) and empty.rate is None
    assert watch_group_coverage_by(Compound.objects.none(), "street") == {}


def test_grouped_coverage_is_one_query_at_any_size(city, make_rooms, django_assert_num_queries):
    for code in ("A1", "B1"):
        make_rooms(city.compounds[code], {("G5", "1"): ["101", "102"]})
    with django_assert_num_queries(1):
        small = watch_group_coverage_by(Compound.objects.all(), "compound")
    for code in ("A2", "N1", "B2"):
        make_rooms(city.compounds[code], {("G5", "1"): ["101", "102", "103"]})
    with django_assert_num_queries(1):
        large = watch_group_coverage_by(Compound.objects.all(), "compound")
    assert len(small) == 5 and len(large) == 5
    assert sum(c.occupied for c in large.values()) == sum(c.occupied for c in small.values()) + 9


def test_a_building_with_uneven_units_and_an_existing_group(city, make_rooms, make_group):
    compound = f.CompoundFactory(community=city.communities[0], code="P3")
    rows = make_rooms(
        compound,
        {
            ("G8", "1"): [str(n) for n in range(101, 108)],  # 7, of which 5 in a group already
            ("G8", "2"): ["101", "102", "201", "202"],
            ("G8", "3"): ["101", "102", "201", "202", "301", "302", "401"],
            ("G8", "4"): ["101", "102", "201"],
        },
    )
    make_group(city.bureau, compound, [rows[f"G8-1-{n}"] for n in range(101, 106)])
    groups = addresses(propose_groups(compound, building="G8"))
    # Left: unit 1's 106, 107 (2), unit 2 (4), unit 3 (7), unit 4 (3) = 16, too many for one
    # group: cut where unit 2 ends (6 + 10), no unit split, nobody grouped twice.
    assert groups == [
        ["G8-1-106", "G8-1-107", "G8-2-101", "G8-2-102", "G8-2-201", "G8-2-202"],
        ["G8-3-101", "G8-3-102", "G8-3-201", "G8-3-202", "G8-3-301", "G8-3-302", "G8-3-401",
         "G8-4-101", "G8-4-102", "G8-4-201"],
    ]  # fmt: skip
