"""The work list's filter form: each tab's rows, the place choices of the user's own scope (an id
outside it is left out and reported, never read), the kind, a search over places that never
matches a person's name, ID number or phone, and the tabs' counts under the other filters."""

import datetime

import pytest
import time_machine
from django.http import QueryDict

from communities.models import DocumentType, Occupancy, Relation, ResidentKind
from communities.residents.filters import ResidentFilters, WorklistFilters
from communities.residents.worklist import WorkItem
from tests import factories as f

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


FLOATING = {"kind": ResidentKind.FLOATING, "relation": Relation.TENANT}
REGISTERED = {"registered_on": days(-100), "registered_by": "和平派出所"}
EXPIRING = {**FLOATING, **REGISTERED, "permit_expires": days(5)}
EXPIRED = {**FLOATING, **REGISTERED, "permit_expires": days(-1)}


@pytest.fixture
def people(city):
    h = city.households
    rented = f.HouseholdFactory(
        compound=city.compounds["A2"],
        building="5",
        room="502",
        occupancy=Occupancy.RENTED,
        landlord_name="王房东",
        landlord_phone="13900001111",
    )
    return {
        "a1": f.ResidentFactory(household=h["A1"], name="张小明", phone="13812345678", **FLOATING),
        "a1_foreign": f.ResidentFactory(
            household=h["A1"],
            name="John Smith",
            kind=ResidentKind.FOREIGN,
            document_type=DocumentType.PASSPORT,
            id_number="E12345678",
        ),
        "a2": f.ResidentFactory(
            household=h["A2"], permit_expires=days(5), **FLOATING, **REGISTERED
        ),
        "n1": f.ResidentFactory(
            household=h["N1"], permit_expires=days(-1), **FLOATING, **REGISTERED
        ),
        "b1": f.ResidentFactory(household=h["B1"], **FLOATING),
        "b2": f.ResidentFactory(household=h["B2"], **FLOATING),
        "rented": rented,
    }


def form(user, **data) -> WorklistFilters:
    query = QueryDict(mutable=True)
    query.update({key: str(value) for key, value in data.items()})
    return WorklistFilters(user, query)


def pks(rows) -> set[int]:
    return {row.pk for row in rows}


def test_the_unregistered_are_the_default_tab(city, people):
    filters = form(city.bureau)
    assert filters.chosen_item == WorkItem.UNREGISTERED
    assert pks(filters.rows()) == pks([people[k] for k in ("a1", "a1_foreign", "b1", "b2")])


def test_the_unregistered_come_by_compound_and_home_the_registrations_by_expiry(city, people):
    """Those not registered have no permit to expire: they come by compound, building, unit and
    room (the order of a walk round the compounds, and one the compound code's index gives
    without sorting them all); the registrations soonest expiry first."""
    first_in_b2 = f.ResidentFactory(  # added last, a home before B2's other one
        household=f.HouseholdFactory(compound=city.compounds["B2"], building="0", room="001"),
        **FLOATING,
    )
    rows = list(form(city.bureau).rows())
    homes = [
        (r.household.compound.code, r.household.building, r.household.unit, r.household.room)
        for r in rows
    ]
    assert homes == sorted(homes) and len(homes) == 5
    in_b2 = [r.pk for r in rows if r.household.compound.code == "B2"]
    assert in_b2 == [first_in_b2.pk, people["b2"].pk]
    later = f.ResidentFactory(
        household=city.households["A1"], **{**EXPIRING, "permit_expires": days(20)}
    )
    expiring = [r.pk for r in form(city.bureau, item="expiring").rows()]
    assert expiring == [people["a2"].pk, later.pk]


@pytest.mark.parametrize(("item", "expected"), [("expiring", "a2"), ("expired", "n1")])
def test_each_tab_gives_its_residents(city, people, item, expected):
    assert pks(form(city.bureau, item=item).rows()) == {people[expected].pk}


def test_the_no_tenant_tab_gives_rented_homes_with_their_compound(city, people):
    rows = list(form(city.bureau, item="no_tenant").rows())
    assert [(home.pk, home.compound.community.name) for home in rows] == [
        (people["rented"].pk, "幸福社区")
    ]


def test_a_rows_compound_and_community_come_in_the_same_query(
    city, people, django_assert_num_queries
):
    filters = form(city.bureau)
    filters.is_valid()  # the choices are read when the form is built
    with django_assert_num_queries(1):
        places = [
            (r.household.compound.code, r.household.compound.community.name) for r in filters.rows()
        ]
    assert ("B1", "光明社区") in places


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("community", {"a1", "a1_foreign"}),
        ("street", {"a1", "a1_foreign", "b2"}),
        ("manager_a", {"a1", "a1_foreign"}),
        ("manager_b", {"b1", "b2"}),
        ("nobody", set()),
    ],
)
def test_each_role_sees_its_own_area_only(city, people, who, expected):
    filters = form(getattr(city, who))
    assert pks(filters.rows()) == {people[k].pk for k in expected}


def test_the_place_filters_narrow_the_rows(city, people):
    street2 = form(city.bureau, street=city.streets[1].pk)
    community2 = form(city.bureau, community=city.communities[1].pk)
    compound = form(city.bureau, compound=city.compounds["A1"].pk)
    assert pks(street2.rows()) == {people["b1"].pk}
    assert pks(community2.rows()) == {people["b2"].pk}
    assert pks(compound.rows()) == {people["a1"].pk, people["a1_foreign"].pk}


@pytest.mark.parametrize("field", ["street", "community", "compound"])
def test_a_place_outside_the_scope_is_left_out_and_reported_never_read(city, people, field):
    outside = {
        "street": city.streets[1].pk,
        "community": city.communities[2].pk,
        "compound": city.compounds["B1"].pk,
    }[field]
    filters = form(city.manager_a, **{field: outside})

    assert pks(filters.rows()) == {people["a1"].pk, people["a1_foreign"].pk}
    assert [label for label, _message in filters.refused()] == [str(filters.fields[field].label)]
    assert outside not in [value for value, _label in filters.fields[field].choices]


def test_a_place_that_is_no_number_is_left_out(city, people):
    filters = form(city.community, compound="１; DROP", street="abc")
    assert pks(filters.rows()) == {people["a1"].pk, people["a1_foreign"].pk}
    assert len(filters.refused()) == 2


def test_the_kind_narrows_to_floating_or_from_abroad(city, people):
    assert pks(form(city.community, kind="foreign").rows()) == {people["a1_foreign"].pk}
    assert pks(form(city.community, kind="floating").rows()) == {people["a1"].pk}
    assert form(city.community, kind="registered").refused()  # not a kind on the work list


def test_the_search_finds_places(city, people):
    a2 = city.households["A2"]
    assert pks(form(city.bureau, q="a1").rows()) == {people["a1"].pk, people["a1_foreign"].pk}
    assert pks(form(city.bureau, q="乙二").rows()) == {people["b2"].pk}
    search = form(city.bureau, item="expiring", q=f"{a2.building} {a2.room}")
    assert pks(search.rows()) == {people["a2"].pk}
    assert pks(form(city.bureau, item="no_tenant", q="502").rows()) == {people["rented"].pk}


@pytest.mark.parametrize(
    "probe", ["张小明", "张", "13812345678", "5678", "E12345678", "John", "王房东", "13900001111"]
)
def test_the_search_never_matches_a_persons_name_id_number_or_phone(city, people, probe):
    for item in WorkItem:
        assert list(form(city.manager_a, item=item, q=probe).rows()) == [], item


def test_the_counts_are_the_tabs_under_the_other_filters(city, people, django_assert_num_queries):
    filters = form(city.bureau, item="expired", kind="floating")
    filters.is_valid()
    with django_assert_num_queries(2):
        counts = filters.counts()
    assert counts == {"unregistered": 3, "expiring": 1, "expired": 1, "no_tenant": 1}
    scoped = form(city.manager_b).counts()
    assert scoped == {"unregistered": 2, "expiring": 0, "expired": 0, "no_tenant": 0}


def test_the_counts_agree_with_the_rows_of_each_tab(city, people):
    for who in ("bureau", "street", "community", "manager_a", "manager_b"):
        user = getattr(city, who)
        counts = form(user).counts()
        for item in WorkItem:
            assert counts[item] == form(user, item=item).rows().count(), (who, item)


def test_the_residents_export_filters_take_present_residents_unless_asked(city, people):
    gone = f.ResidentFactory(household=city.households["A1"], moved_in=days(-9), moved_out=days(-2))
    present = ResidentFilters(city.community, QueryDict())
    everyone = ResidentFilters(city.community, QueryDict("moved_out=on"))
    assert gone.pk not in pks(present.residents(TODAY))
    assert gone.pk in pks(everyone.residents(TODAY))
    assert pks(present.residents(TODAY)) == {people[k].pk for k in ("a1", "a1_foreign", "a2", "n1")}
