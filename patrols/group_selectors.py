"""Reads of the watch-group pages, each from ``visible_to(user)``, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from communities.models import Compound, Household, Occupancy

from .coverage import watch_group_coverage, watch_group_coverage_by
from .models import WatchGroup, WatchGroupMembership
from .watch_groups import household_order


def annotate_compounds(compounds: list) -> list:
    """Each compound of a page with its coverage (``.coverage``) and active groups (``.groups``):
    two queries for the whole page."""
    ids = [c.pk for c in compounds]
    coverage = watch_group_coverage_by(Compound.objects.filter(pk__in=ids))
    groups = dict(
        WatchGroup.objects.active()
        .filter(compound_id__in=ids)
        .values("compound_id")
        .order_by("compound_id")
        .annotate(n=Count("pk"))
        .values_list("compound_id", "n")
    )
    for compound in compounds:
        compound.coverage = coverage.get(compound.pk)
        compound.active_groups = groups.get(compound.pk, 0)
    return compounds


def groups_of_compound(*, user, compound: Compound, dissolved: bool = False):
    """The compound's groups (active, or dissolved ones) with their current households."""
    members = WatchGroupMembership.objects.current().select_related("household")
    groups = (
        WatchGroup.objects.visible_to(user)
        .filter(compound=compound, dissolved_on__isnull=not dissolved)
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current"))
        .annotate(size=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
    )
    rows = list(groups)
    rows.sort(
        key=lambda g: (
            g.number.isdigit() is False,
            int(g.number) if g.number.isdigit() else 0,
            g.number,
        )
    )
    for group in rows:
        group.current.sort(key=lambda m: household_order(m.household))
    return rows


def groups_for_detail(*, user):
    return WatchGroup.objects.visible_to(user).select_related(
        "compound", "compound__community", "compound__community__street"
    )


def group_members(group: WatchGroup) -> list:
    rows = list(group.memberships.select_related("household"))
    rows.sort(key=lambda m: (m.left_on is not None, household_order(m.household)))
    return rows


def households_for_group(compound: Compound, group: WatchGroup | None = None):
    """Households a group may take: occupied ones of the compound in no other active group."""
    taken = WatchGroupMembership.objects.current().filter(group__compound=compound)
    if group is not None:
        taken = taken.exclude(group=group)
    return (
        Household.objects.filter(compound=compound)
        .exclude(occupancy=Occupancy.VACANT)
        .exclude(pk__in=taken.values("household_id"))
        .order_by("building", "unit", "room")
    )


def buildings_of(compound: Compound) -> list[str]:
    from .watch_groups import natural_key

    names = Household.objects.filter(compound=compound).values_list("building", flat=True)
    return sorted(set(names), key=natural_key)


def compound_panel(request, compound: Compound) -> dict | None:
    """The watch-group section of the compound page (two queries), for roles that see groups."""
    if not request.user.has_perm("patrols.view_watchgroup"):
        return None
    return {
        "code": compound.code,
        "coverage": watch_group_coverage(Compound.objects.filter(pk=compound.pk)),
        "groups": WatchGroup.objects.active().filter(compound=compound).count(),
    }
