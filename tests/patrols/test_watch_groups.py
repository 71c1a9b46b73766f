"""Watch groups (十户联防组): the services' rules."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection

from communities.workflow import WorkflowError
from patrols.models import WatchGroup, WatchGroupMembership
from patrols.watch_groups import (
    GroupSpec,
    group_dissolve,
    group_update,
    groups_create,
    natural_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(city, make_rooms):
    """Building G5 of A1: twelve rooms of unit 1, and a vacant one."""
    compound = city.compounds["A1"]
    return make_rooms(
        compound, {("G5", "1"): [f"{n}01" for n in range(1, 14)]}, vacant={"G5-1-1301"}
    )


def addresses(group):
    return sorted(
        f"{m.household.building}-{m.household.unit}-{m.household.room}"
        for m in group.memberships.current().select_related("household")
    )


def test_a_group_is_formed_with_its_households_and_leader(city, block, make_group):
    members = [block[f"G5-1-{n}01"] for n in range(1, 7)]
    group = make_group(city.manager_a, city.compounds["A1"], members, leader=members[0])
    assert group.number == "1"
    assert group.leader_name == members[0].head_name  # taken from the household's head
    assert group.leader_phone == members[0].head_phone
    assert addresses(group) == [f"G5-1-{n}01" for n in range(1, 7)]
    second = make_group(
        city.manager_a, city.compounds["A1"], [block[f"G5-1-{n}01"] for n in range(7, 12)]
    )
    assert second.number == "2"


def test_a_household_in_an_active_group_is_refused_by_name(city, block, make_group):
    make_group(
        city.manager_a,
        city.compounds["A1"],
        [block[f"G5-1-{n}01"] for n in range(1, 7)],
        number="3",
    )
    with pytest.raises(WorkflowError) as refused:
        make_group(
            city.manager_a, city.compounds["A1"], [block[f"G5-1-{n}01"] for n in range(6, 12)]
        )
    assert "G5-1-601" in refused.value.message and "3" in refused.value.message
    assert WatchGroup.objects.count() == 1


def test_the_database_refuses_a_second_active_membership(city, block, make_group):
    group = make_group(
        city.manager_a, city.compounds["A1"], [block[f"G5-1-{n}01"] for n in range(1, 7)]
    )
    other = WatchGroup.objects.create(
        compound=city.compounds["A1"], number="9", formed_on=group.formed_on
    )
    with pytest.raises(IntegrityError):
        WatchGroupMembership.objects.create(
            group=other, household=block["G5-1-101"], joined_on=group.formed_on
        )


@pytest.mark.parametrize("count", [4, 16])
def test_size_bounds(city, block, make_rooms, make_group, count):
    extra = make_rooms(city.compounds["A1"], {("G6", "1"): [str(n) for n in range(1, 6)]})
    households = list(block.values())[:12] + list(extra.values())
    households = [h for h in households if h.occupancy != "vacant"][:count]
    with pytest.raises(WorkflowError) as refused:
        make_group(city.manager_a, city.compounds["A1"], households)
    assert str(count) in refused.value.message
    assert not WatchGroup.objects.exists()


def test_size_bounds_come_from_settings(city, block, make_group, settings):
    settings.WATCH_GROUP_MIN_SIZE = 2
    group = make_group(city.manager_a, city.compounds["A1"], [block["G5-1-101"], block["G5-1-201"]])
    assert group.memberships.count() == 2


def test_vacant_and_other_compounds_households_are_refused(city, block, make_group):
    members = [block[f"G5-1-{n}01"] for n in range(1, 6)]
    with pytest.raises(WorkflowError, match="G5-1-1301"):
        make_group(city.manager_a, city.compounds["A1"], [*members, block["G5-1-1301"]])
    with pytest.raises(WorkflowError):
        make_group(city.manager_a, city.compounds["A1"], [*members, city.households["A2"]])
    assert not WatchGroup.objects.exists()


def test_a_company_cannot_form_groups_outside_its_compounds(city, make_rooms, make_group):
    rows = make_rooms(city.compounds["B1"], {("1", "1"): [str(n) for n in range(1, 7)]})
    with pytest.raises(WorkflowError):
        make_group(city.manager_a, city.compounds["B1"], rows.values())
    with pytest.raises(WorkflowError):  # a viewer may not either
        make_group(city.viewer_a, city.compounds["A1"], [])
    assert not WatchGroup.objects.exists()


def test_groups_create_is_all_or_nothing(city, block):
    first = [block[f"G5-1-{n}01"] for n in range(1, 7)]
    second = [block[f"G5-1-{n}01"] for n in range(6, 12)]  # 601 in both
    with pytest.raises(WorkflowError, match="G5-1-601"):
        groups_create(
            actor=city.manager_a,
            compound=city.compounds["A1"],
            specs=[GroupSpec(households=first), GroupSpec(households=second)],
        )
    assert not WatchGroup.objects.exists()
    assert not WatchGroupMembership.objects.exists()


def test_update_moves_households_and_keeps_history(city, block, make_group, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0))
    group = make_group(
        city.manager_a, city.compounds["A1"], [block[f"G5-1-{n}01"] for n in range(1, 7)]
    )
    time_machine.move_to(datetime.datetime(2026, 4, 2, 10, 0))
    kept = [block[f"G5-1-{n}01"] for n in range(2, 8)]  # 101 leaves, 701 joins
    group_update(actor=city.manager_a, group=group, spec=GroupSpec(households=kept, number="1"))
    assert addresses(group) == sorted(f"G5-1-{n}01" for n in range(2, 8))
    left = WatchGroupMembership.objects.get(household=block["G5-1-101"])
    assert left.left_on == datetime.date(2026, 4, 2)
    joined = WatchGroupMembership.objects.get(household=block["G5-1-701"])
    assert joined.joined_on == datetime.date(2026, 4, 2)


def test_dissolving_frees_the_households(city, block, make_group, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0))
    members = [block[f"G5-1-{n}01"] for n in range(1, 7)]
    group = make_group(city.manager_a, city.compounds["A1"], members)
    group = group_dissolve(actor=city.manager_a, group=group)
    assert group.dissolved_on == datetime.date(2026, 3, 2)
    assert not WatchGroupMembership.objects.current().exists()
    again = make_group(city.manager_a, city.compounds["A1"], members)
    assert again.number == "2"
    with pytest.raises(WorkflowError):
        group_dissolve(actor=city.manager_a, group=group)


def test_natural_order():
    rooms = ["1001", "102", "2", "10", "B3", "B12"]
    assert sorted(rooms, key=natural_key) == ["2", "10", "102", "1001", "B3", "B12"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency: PostgreSQL"
)
def test_two_concurrent_saves_cannot_put_a_household_in_two_groups(city, make_rooms):
    from django.db import connections

    rows = make_rooms(city.compounds["A1"], {("G5", "1"): [str(n) for n in range(1, 12)]})
    ordered = list(rows.values())
    shared = ordered[5]
    specs = [[*ordered[:5], shared], [*ordered[6:11], shared]]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(households):
        try:
            barrier.wait()
            groups_create(
                actor=city.manager_a,
                compound=city.compounds["A1"],
                specs=[GroupSpec(households=households)],
            )
            outcomes.append("saved")
        except WorkflowError as refused:
            outcomes.append(refused.message)
        except IntegrityError:  # the constraint is the backstop; the lock should come first
            outcomes.append("integrity")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(spec,)) for spec in specs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("saved") == 1
    refusal = next(o for o in outcomes if o != "saved")
    address = f"{shared.building}-{shared.unit}-{shared.room}"
    assert address in refusal and "1" in refusal  # the household and the group it is in
    assert WatchGroupMembership.objects.filter(household=shared).count() == 1
    assert WatchGroup.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency: PostgreSQL"
)
def test_two_groups_formed_at_once_get_the_next_numbers(city, make_rooms):
    from django.db import connections

    rows = list(
        make_rooms(city.compounds["A1"], {("G5", "1"): [str(n) for n in range(1, 11)]}).values()
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def save(households):
        try:
            barrier.wait()
            group = group_services_create(city, households)
            outcomes.append(group.number)
        except Exception as error:  # the outcome is what the test looks at
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(part,)) for part in (rows[:5], rows[5:])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["1", "2"]


def group_services_create(city, households):
    return groups_create(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        specs=[GroupSpec(households=households)],
    )[0]
