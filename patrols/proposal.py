""" "Propose groups": neighbouring occupied households in groups of about ten.

For a building or a whole compound, the occupied households not yet in an active group are
taken in neighbouring order (building, unit, room; natural order: 2-1-102 before 2-1-1001) and
packed unit by unit:
- a unit joins the group being filled when the group then comes closer to the target size
  (``WATCH_GROUP_TARGET_SIZE``) without passing the maximum, so a unit is not split when it fits;
- a unit larger than the maximum is cut into even runs of rooms;
- a group is closed at the end of a building once it has the minimum, so groups stay within a
  building where they can; a building too small for a group joins the next one;
- a last group below the minimum is merged into the one before, or, when together they pass
  the maximum, the two are cut again where a unit ends, as near the middle as the bounds allow.
Fewer households than the minimum make no group. The proposal is only a suggestion: nothing is
written until the reviewed groups are saved with ``watch_groups.groups_create``.
"""

from __future__ import annotations

import math
from itertools import groupby

from django.conf import settings

from communities.models import Compound, Household, Occupancy

from .models import WatchGroupMembership
from .watch_groups import household_order, natural_key


def ungrouped_households(compound: Compound, building: str | None = None) -> list[Household]:
    """Occupied households of the compound (or one building) in no active group, in
    neighbouring order."""
    rows = (
        Household.objects.filter(compound=compound)
        .exclude(occupancy=Occupancy.VACANT)
        .exclude(
            pk__in=WatchGroupMembership.objects.current()
            .filter(group__compound=compound)
            .values("household_id")
        )
    )
    if building:
        rows = rows.filter(building=building)
    return sorted(rows, key=household_order)


def _split_evenly(households: list, parts: int) -> list[list]:
    size, extra = divmod(len(households), parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append(households[start:end])
        start = end
    return out


def _blocks(households: list[Household], high: int, target: int) -> list[tuple[str, list]]:
    """Units as blocks of households (with their building), a unit over the maximum cut into
    even runs of about the target size."""
    blocks = []
    for (building, _unit), rows in groupby(
        households, key=lambda h: (natural_key(h.building), natural_key(h.unit))
    ):
        rows = list(rows)
        if len(rows) > high:
            for run in _split_evenly(rows, math.ceil(len(rows) / target)):
                blocks.append((building, run))
        else:
            blocks.append((building, rows))
    return blocks


def pack(households: list[Household]) -> list[list[Household]]:
    """The proposed groups for households already in neighbouring order."""
    low, high = settings.WATCH_GROUP_MIN_SIZE, settings.WATCH_GROUP_MAX_SIZE
    target = min(max(settings.WATCH_GROUP_TARGET_SIZE, low), high)
    if len(households) < low:
        return []
    groups: list[list[Household]] = []
    current: list[Household] = []
    current_building = None
    for building, block in _blocks(households, high, target):
        if current and building != current_building and len(current) >= low:
            groups.append(current)
            current = []
        fits = len(current) + len(block) <= high
        closer = abs(len(current) + len(block) - target) <= abs(len(current) - target)
        if current and (not fits or (not closer and len(current) >= low)):
            groups.append(current)
            current = []
        current = current + block
        current_building = building
    if current:
        groups.append(current)
    return _settle_small_groups(groups, low, high)


def _unit_of(household: Household) -> tuple:
    return (natural_key(household.building), natural_key(household.unit))


def _share_out(merged: list, low: int, high: int) -> list[list]:
    """Two groups from households too many for one: cut where a unit ends, as near the middle
    as the bounds allow; evenly (cutting a unit) only when no unit boundary will do."""
    cuts = [
        index
        for index in range(1, len(merged))
        if _unit_of(merged[index]) != _unit_of(merged[index - 1])
        and low <= index <= high
        and low <= len(merged) - index <= high
    ]
    if not cuts:
        return _split_evenly(merged, math.ceil(len(merged) / high))
    cut = min(cuts, key=lambda index: abs(len(merged) - 2 * index))
    return [merged[:cut], merged[cut:]]


def _settle_small_groups(groups: list[list], low: int, high: int) -> list[list]:
    """Merge each group below the minimum into a neighbour (sharing the two out again when
    together they pass the maximum)."""
    settled: list[list] = []
    for group in groups:
        if settled and (len(group) < low or len(settled[-1]) < low):
            merged = settled.pop() + group
            if len(merged) <= high:
                settled.append(merged)
            else:
                settled.extend(_share_out(merged, low, high))
        else:
            settled.append(group)
    return settled


def propose_groups(compound: Compound, building: str | None = None) -> list[list[Household]]:
    """The proposal for a compound or one of its buildings."""
    return pack(ungrouped_households(compound, building))
