"""Watch-group coverage (十户联防覆盖率): the one definition, for any scope.

Coverage of a set of compounds = occupied households in an active watch group ÷ occupied
households (vacant households are left out of both). A scope with no occupied household has no
rate (``None``), not 0 %. Grouped figures come from one query whatever the number of compounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from communities.levels import level_keys
from communities.models import Household, Occupancy

from .models import WatchGroupMembership

# How a compound's households are grouped for each level of the figures.
LEVELS = level_keys("compound")


@dataclass(frozen=True)
class Coverage:
    occupied: int = 0
    covered: int = 0

    @property
    def rate(self) -> float | None:
        return self.covered / self.occupied if self.occupied else None

    @property
    def uncovered(self) -> int:
        return self.occupied - self.covered


def _occupied(compounds: QuerySet) -> QuerySet:
    in_group = WatchGroupMembership.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
    return (
        Household.objects.filter(compound__in=compounds)
        .exclude(occupancy=Occupancy.VACANT)
        .annotate(in_group=Exists(in_group))
    )


def _figures():
    return {"occupied": Count("pk"), "covered": Count("pk", filter=Q(in_group=True))}


def watch_group_coverage(compounds: QuerySet) -> Coverage:
    """The coverage of a set of compounds (a user's visible compounds, a street's …)."""
    row = _occupied(compounds).aggregate(**_figures())
    return Coverage(occupied=row["occupied"], covered=row["covered"])


def watch_group_coverage_by(compounds: QuerySet, level: str = "compound") -> dict[int, Coverage]:
    """The coverage of each compound, community, street or district (keyed by its id), in one
    query. Compounds with no occupied household are absent (their rate is ``None``)."""
    key = LEVELS[level]
    rows = _occupied(compounds).values(key).order_by(key).annotate(**_figures())
    return {row[key]: Coverage(occupied=row["occupied"], covered=row["covered"]) for row in rows}
