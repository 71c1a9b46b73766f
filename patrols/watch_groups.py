"""Writes of household-watch groups (十户联防组): one service per change, each in one transaction.

The rules:
- a group's households are occupied households of its compound; there are between
  ``WATCH_GROUP_MIN_SIZE`` and ``WATCH_GROUP_MAX_SIZE`` of them;
- a household is in at most one active group. The services check it first, naming the household
  and its group; the partial unique constraint on memberships settles two saves at the same
  time, and its refusal is turned into the same message;
- the leader (联户长) is one of the group's households; the leader's name and phone default to
  that household's head.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Compound, Household, Occupancy
from communities.workflow import WorkflowError, require

from .models import GroupKind, WatchGroup, WatchGroupMembership

MSG_TOO_SMALL = _("A watch group needs at least %(min)s households; this one has %(count)s.")
MSG_TOO_LARGE = _("A watch group has at most %(max)s households; this one has %(count)s.")
MSG_IN_ANOTHER_GROUP = _("Household %(household)s is already in watch group %(group)s.")
MSG_OTHER_COMPOUND = _("Household %(household)s is not in %(compound)s.")
MSG_VACANT = _("Household %(household)s is vacant: only occupied households join a group.")
MSG_NUMBER_TAKEN = _("%(compound)s already has a watch group numbered %(number)s.")
MSG_LEADER_NOT_MEMBER = _("The leader must be one of the group's households.")
MSG_DISSOLVED = _("This watch group is dissolved.")
MSG_DATE_FUTURE = _("The date cannot be later than today.")
MSG_DISSOLVED_BEFORE_FORMED = _("A group cannot be dissolved before the day it was formed.")
MSG_TWICE_IN_PROPOSAL = _("Household %(household)s is in more than one of the proposed groups.")

ADD = "patrols.add_watchgroup"
CHANGE = "patrols.change_watchgroup"


def room_address(household: Household) -> str:
    """``2-1-102``: building, unit and room (no personal data)."""
    return "-".join(part for part in (household.building, household.unit, household.room) if part)


def size_bounds() -> tuple[int, int]:
    return settings.WATCH_GROUP_MIN_SIZE, settings.WATCH_GROUP_MAX_SIZE


@dataclass
class GroupSpec:
    """One group to write: its households and, optionally, number, kind and leader."""

    households: Sequence[Household]
    number: str = ""
    kind: str = GroupKind.TEN_HOUSEHOLD
    leader: Household | None = None
    leader_name: str = ""
    leader_phone: str = ""


def _check_households(compound: Compound, households: Sequence[Household]) -> None:
    low, high = size_bounds()
    count = len(households)
    if count < low:
        raise WorkflowError(MSG_TOO_SMALL % {"min": low, "count": count})
    if count > high:
        raise WorkflowError(MSG_TOO_LARGE % {"max": high, "count": count})
    for household in households:
        if household.compound_id != compound.pk:
            raise WorkflowError(
                MSG_OTHER_COMPOUND
                % {"household": room_address(household), "compound": compound.name}
            )
        if household.occupancy == Occupancy.VACANT:
            raise WorkflowError(MSG_VACANT % {"household": room_address(household)})


def _check_not_grouped(households: Iterable[Household], *, except_group: WatchGroup | None = None):
    """Refuse a household already in another active group, naming it and its group."""
    taken = (
        WatchGroupMembership.objects.current()
        .filter(household__in=[h.pk for h in households])
        .select_related("group", "household")
        .order_by("household__building", "household__unit", "household__room")
    )
    if except_group is not None:
        taken = taken.exclude(group=except_group)
    first = taken.first()
    if first is not None:
        raise WorkflowError(
            MSG_IN_ANOTHER_GROUP
            % {"household": room_address(first.household), "group": first.group.number}
        )


def _next_number(compound: Compound) -> str:
    """One more than the largest numeric group number of the compound (``1`` for the first)."""
    numbers = WatchGroup.objects.filter(compound=compound, number__regex=r"^[0-9]{1,9}$")
    top = numbers.aggregate(top=Max(Cast("number", IntegerField())))["top"] or 0
    return str(top + 1)


def _check_date(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise WorkflowError(MSG_DATE_FUTURE)


def _apply_leader(group: WatchGroup, spec: GroupSpec, households: Sequence[Household]) -> None:
    leader = spec.leader
    if leader is not None and leader.pk not in {h.pk for h in households}:
        raise WorkflowError(MSG_LEADER_NOT_MEMBER)
    group.leader = leader
    group.leader_name = spec.leader_name or (leader.head_name if leader else "")
    group.leader_phone = spec.leader_phone or (leader.head_phone if leader else "")


def _save_memberships(group: WatchGroup, households: Iterable[Household], on: datetime.date):
    """Add the households to the group, turning a lost race on the constraint into the
    refusal that names the household."""
    for household in households:
        try:
            with transaction.atomic():
                WatchGroupMembership.objects.create(group=group, household=household, joined_on=on)
        except IntegrityError:
            _check_not_grouped([household], except_group=group)
            raise


def _lock_compound(compound: Compound) -> None:
    """Groups of one compound are formed one save at a time: the next free number and the
    households' groups are read after the other save has committed (a second save at the same
    moment waits here, then is refused by name instead of failing on a constraint)."""
    Compound.objects.select_for_update().filter(pk=compound.pk).first()


def _create(*, compound: Compound, spec: GroupSpec, formed_on: datetime.date) -> WatchGroup:
    households = list(spec.households)
    _check_households(compound, households)
    _check_not_grouped(households)
    number = (spec.number or "").strip() or _next_number(compound)
    if WatchGroup.objects.filter(compound=compound, number=number).exists():
        raise WorkflowError(MSG_NUMBER_TAKEN % {"compound": compound.name, "number": number})
    group = WatchGroup(compound=compound, number=number, kind=spec.kind, formed_on=formed_on)
    _apply_leader(group, spec, households)
    group.full_clean(validate_unique=False, validate_constraints=False)
    group.save()
    _save_memberships(group, households, formed_on)
    return group


@transaction.atomic
def group_create(
    *, actor, compound: Compound, spec: GroupSpec, formed_on: datetime.date | None = None
) -> WatchGroup:
    """Form one watch group in a compound."""
    require(actor, ADD, compound)
    formed_on = formed_on or timezone.localdate()
    _check_date(formed_on)
    _lock_compound(compound)
    return _create(compound=compound, spec=spec, formed_on=formed_on)


@transaction.atomic
def groups_create(
    *, actor, compound: Compound, specs: Sequence[GroupSpec], formed_on: datetime.date | None = None
) -> list[WatchGroup]:
    """Form several groups at once (a reviewed proposal, an import): all or none."""
    require(actor, ADD, compound)
    formed_on = formed_on or timezone.localdate()
    _check_date(formed_on)
    _lock_compound(compound)
    seen: set[int] = set()
    for spec in specs:
        for household in spec.households:
            if household.pk in seen:
                raise WorkflowError(MSG_TWICE_IN_PROPOSAL % {"household": room_address(household)})
            seen.add(household.pk)
    return [_create(compound=compound, spec=spec, formed_on=formed_on) for spec in specs]


def _lock(group: WatchGroup) -> WatchGroup:
    return WatchGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def group_update(*, actor, group: WatchGroup, spec: GroupSpec) -> WatchGroup:
    """Change a group's number, kind, leader and households: households taken out leave it
    today (their membership stays as history), new ones join today."""
    require(actor, CHANGE, group.compound)
    _lock_compound(group.compound)
    group = _lock(group)
    if not group.is_active:
        raise WorkflowError(MSG_DISSOLVED)
    households = list(spec.households)
    _check_households(group.compound, households)
    _check_not_grouped(households, except_group=group)
    number = (spec.number or "").strip() or group.number
    if (
        number != group.number
        and WatchGroup.objects.filter(compound=group.compound, number=number).exists()
    ):
        raise WorkflowError(MSG_NUMBER_TAKEN % {"compound": group.compound.name, "number": number})
    today = timezone.localdate()
    wanted = {h.pk for h in households}
    current = {m.household_id: m for m in group.memberships.current()}
    for household_id, membership in current.items():
        if household_id not in wanted:
            membership.left_on = max(today, membership.joined_on)
            membership.save(update_fields=["left_on"])
    group.number, group.kind = number, spec.kind
    _apply_leader(group, spec, households)
    group.full_clean(validate_unique=False, validate_constraints=False)
    group.save()
    _save_memberships(group, [h for h in households if h.pk not in current], today)
    return group


@transaction.atomic
def group_dissolve(*, actor, group: WatchGroup, on: datetime.date | None = None) -> WatchGroup:
    """Dissolve a group: it stays on record with the date, its households are free to join
    another group."""
    require(actor, CHANGE, group.compound)
    group = _lock(group)
    if not group.is_active:
        raise WorkflowError(MSG_DISSOLVED)
    on = on or timezone.localdate()
    _check_date(on)
    if on < group.formed_on:
        raise WorkflowError(MSG_DISSOLVED_BEFORE_FORMED)
    group.dissolved_on = on
    group.save(update_fields=["dissolved_on", "updated_at"])
    for membership in group.memberships.current():
        membership.left_on = max(on, membership.joined_on)
        membership.save(update_fields=["left_on"])
    return group


_NATURAL = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """``102`` before ``1001``, ``2`` before ``10``; text parts compare as text."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _NATURAL.split(text or "")
        if part
    )


def household_order(household: Household) -> tuple:
    """Neighbouring order: building, then unit, then room, each in natural order."""
    return (
        natural_key(household.building),
        natural_key(household.unit),
        natural_key(household.room),
    )
