"""Fixtures of the 群防群治 tests: households laid out room by room, and groups."""

import pytest

from communities.models import Occupancy
from patrols.watch_groups import GroupSpec, group_create
from tests import factories as f


def rooms(compound, layout, *, vacant=()):
    """Households of ``compound`` by ``{(building, unit): [room, …]}``; rooms named in
    ``vacant`` (as "b-u-r") are vacant. Returns them by address "b-u-r"."""
    made = {}
    for (building, unit), numbers in layout.items():
        for room in numbers:
            address = f"{building}-{unit}-{room}"
            made[address] = f.HouseholdFactory(
                compound=compound,
                building=building,
                unit=unit,
                room=room,
                occupancy=Occupancy.VACANT if address in vacant else Occupancy.OWNER,
            )
    return made


@pytest.fixture
def make_rooms():
    return rooms


@pytest.fixture
def make_group():
    def make(actor, compound, households, **spec):
        return group_create(
            actor=actor, compound=compound, spec=GroupSpec(households=list(households), **spec)
        )

    return make
