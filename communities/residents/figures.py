"""The figures of 以房管人, each defined once, for any scope and day.

- **Registration rate (列管率)** of a set of compounds on a day = floating residents and
  residents from abroad present that day with a valid residence registration ÷ those present.
  A scope with nobody to register has no rate (``None``), not 0 % nor 100 %. Households without
  a roster add nobody: their typed counts say how many, not whether each registered.
- **Residents present** come from the roster where a household has one (any resident recorded,
  moved out or not) and from the typed counts where it has none: ``household_counts``.

Grouped figures come from one query whatever the number of compounds (``*_by``), keyed by the
compound's, community's, street's or district's id, as the watch-group coverage is.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.counting import aggregates_each
from communities.levels import level_keys
from communities.models import Household, Occupancy, Relation, Resident
from communities.models.residents import REGISTERING_KINDS, present_q, registered_q

LEVELS = level_keys("household__compound")
HOUSEHOLD_LEVELS = level_keys("compound")


@dataclass(frozen=True)
class RegistrationRate:
    present: int = 0  # floating and foreign residents present
    registered: int = 0  # of whom with a valid registration

    @property
    def rate(self) -> float | None:
        return self.registered / self.present if self.present else None

    @property
    def unregistered(self) -> int:
        return self.present - self.registered


def _registering(compounds: QuerySet, on: datetime.date) -> QuerySet:
    return Resident.objects.filter(
        present_q(on), household__compound__in=compounds, kind__in=REGISTERING_KINDS
    )


def _rate_figures(on: datetime.date) -> dict:
    return {"present": Count("pk"), "registered": Count("pk", filter=registered_q(on))}


def registration_rate(compounds: QuerySet, on: datetime.date | None = None) -> RegistrationRate:
    """列管率 of a set of compounds (a user's visible compounds, a street's …) on the day."""
    on = on or timezone.localdate()
    row = _registering(compounds, on).aggregate(**_rate_figures(on))
    return RegistrationRate(**row)


def registration_rate_on_days(
    compounds: QuerySet, days: Sequence[datetime.date]
) -> list[RegistrationRate]:
    """``registration_rate`` on each of ``days``, in order, in one query."""
    parts = [(_registering(compounds, on), _rate_figures(on)) for on in days]
    return [RegistrationRate(**row) for row in aggregates_each(parts)]


def registration_rate_by(
    compounds: QuerySet, level: str = "compound", on: datetime.date | None = None
) -> dict[int, RegistrationRate]:
    """列管率 of each compound, community, street or district (keyed by its id), in one query.
    Those with nobody to register are absent (their rate is ``None``)."""
    on = on or timezone.localdate()
    key = LEVELS[level]
    rows = _registering(compounds, on).values(key).order_by(key).annotate(**_rate_figures(on))
    return {
        row[key]: RegistrationRate(present=row["present"], registered=row["registered"])
        for row in rows
    }


@dataclass(frozen=True)
class HouseholdCounts:
    residents: int
    floating: int  # floating and from abroad
    from_roster: bool  # True: counted from the residents; False: the typed counts


def household_counts(household: Household, on: datetime.date | None = None) -> HouseholdCounts:
    """One household's residents: from its roster if it has one, else the typed counts."""
    on = on or timezone.localdate()
    people = Resident.objects.filter(household=household)
    if not people.exists():
        return HouseholdCounts(household.residents, household.floating_residents, False)
    row = people.filter(present_q(on)).aggregate(
        residents=Count("pk"), floating=Count("pk", filter=Q(kind__in=REGISTERING_KINDS))
    )
    return HouseholdCounts(row["residents"], row["floating"], True)


def with_counts(households: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """Households annotated with ``roster`` (has residents recorded), ``present_count``,
    ``floating_count`` (from the roster, else the typed counts) and ``tenant_count``."""
    on = on or timezone.localdate()
    people = Resident.objects.filter(household=OuterRef("pk"))
    present = people.filter(present_q(on))
    return households.annotate(
        roster=Exists(people),
        roster_present=_count(present),
        roster_floating=_count(present.filter(kind__in=REGISTERING_KINDS)),
        tenant_count=_count(present.filter(relation=Relation.TENANT)),
    )


def _count(residents: QuerySet):
    per_household = residents.order_by().values("household").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_household, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class ResidentFigures:
    """以房管人 figures of a scope on a day (pages, exports and the coming reports)."""

    households: int = 0  # registered households
    occupied: int = 0
    with_roster: int = 0  # occupied households with residents recorded
    residents: int = 0  # present: the roster where there is one, else the typed counts
    floating: int = 0  # floating and from abroad, the same way
    rented: int = 0
    rented_without_tenant: int = 0
    rate: RegistrationRate = RegistrationRate()

    @property
    def roster_share(self) -> float | None:
        return self.with_roster / self.occupied if self.occupied else None


def household_figures() -> dict:
    """The aggregates of ``ResidentFigures`` over households annotated by ``with_counts``."""
    occupied = ~Q(occupancy=Occupancy.VACANT)
    rented = Q(occupancy=Occupancy.RENTED)
    return {
        "households": Count("pk"),
        "occupied": Count("pk", filter=occupied),
        "with_roster": Count("pk", filter=Q(roster=True) & occupied),
        "residents": Coalesce(Sum("roster_present", filter=Q(roster=True)), 0)
        + Coalesce(Sum("residents", filter=Q(roster=False)), 0),
        "floating": Coalesce(Sum("roster_floating", filter=Q(roster=True)), 0)
        + Coalesce(Sum("floating_residents", filter=Q(roster=False)), 0),
        "rented": Count("pk", filter=rented),
        "rented_without_tenant": Count("pk", filter=rented & Q(tenant_count=0)),
    }


def resident_figures(compounds: QuerySet, on: datetime.date | None = None) -> ResidentFigures:
    """The figures of a set of compounds on the day, in two aggregate queries."""
    on = on or timezone.localdate()
    households = with_counts(Household.objects.filter(compound__in=compounds), on)
    row = households.aggregate(**household_figures())
    return ResidentFigures(**row, rate=registration_rate(compounds, on))


def resident_figures_by(
    compounds: QuerySet, level: str = "compound", on: datetime.date | None = None
) -> dict[int, ResidentFigures]:
    """``ResidentFigures`` of each compound, community, street or district (keyed by its id),
    in two queries whatever the number of compounds."""
    on = on or timezone.localdate()
    key = HOUSEHOLD_LEVELS[level]
    households = with_counts(Household.objects.filter(compound__in=compounds), on)
    rows = households.values(key).order_by(key).annotate(**household_figures())
    rates = registration_rate_by(compounds, level, on)
    figures = {}
    for row in rows:
        place = row.pop(key)
        figures[place] = ResidentFigures(**row, rate=rates.get(place, RegistrationRate()))
    return figures
