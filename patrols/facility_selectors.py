"""Reads of the facilities pages: every function starts from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from communities.models import Compound
from communities.scoping import scope_for
from communities.selectors import CommunityChoices
from communities.selectors import communities_for_filter as area_communities
from communities.validators import ascii_int
from patrols.facility_coverage import annotate_coverage
from patrols.models import Entrance, Facility

# The coverage list's status filter.
STATUS_PHYSICAL_GAP = "physical_gap"
STATUS_TECH_GAP = "tech_gap"
STATUS_ANY_GAP = "any_gap"
STATUS_COVERED = "covered"
STATUS_NOT_ASSESSED = "not_assessed"
STATUS_CHOICES = [
    (STATUS_ANY_GAP, _("物防 or 技防 not covered")),
    (STATUS_PHYSICAL_GAP, _("物防 not covered")),
    (STATUS_TECH_GAP, _("技防 not covered")),
    (STATUS_COVERED, _("物防 and 技防 covered")),
    (STATUS_NOT_ASSESSED, _("not assessed (no entrance recorded)")),
]
STATUS_Q = {
    STATUS_PHYSICAL_GAP: Q(assessed=True, physical_covered=False),
    STATUS_TECH_GAP: Q(assessed=True, tech_covered=False),
    STATUS_ANY_GAP: Q(assessed=True) & (Q(physical_covered=False) | Q(tech_covered=False)),
    STATUS_COVERED: Q(assessed=True, physical_covered=True, tech_covered=True),
    STATUS_NOT_ASSESSED: Q(assessed=False),
}


@dataclass(frozen=True)
class CoverageFilters:
    street_id: int | None = None
    community_id: int | None = None
    status: str = ""
    query: str = ""

    @property
    def active_count(self) -> int:
        return sum(bool(v) for v in (self.street_id, self.community_id, self.status, self.query))

    @property
    def is_filtered(self) -> bool:
        return self.active_count > 0


def compounds_in_area(*, user, filters: CoverageFilters) -> QuerySet[Compound]:
    """The user's compounds narrowed by street, community and search (not by status: the
    figures are of every compound of the area)."""
    compounds = Compound.objects.visible_to(user)
    if filters.street_id:
        compounds = compounds.filter(community__street_id=filters.street_id)
    if filters.community_id:
        compounds = compounds.filter(community_id=filters.community_id)
    if filters.query:
        compounds = compounds.filter(
            Q(name__icontains=filters.query) | Q(code__icontains=filters.query)
        )
    return compounds


def compounds_for_coverage(
    *, user, filters: CoverageFilters, with_status: bool = True
) -> QuerySet[Compound]:
    """The coverage list: each compound with its status, narrowed by every filter; one query.
    Without ``with_status`` the rows carry their status only when the filter needs it: the
    page reads its rows' statuses from their gaps (``coverage_gaps_bulk``), and the status of
    every compound, computed for a page of 25, took a province's list 0.1 s."""
    compounds = compounds_in_area(user=user, filters=filters)
    if with_status or filters.status:
        compounds = annotate_coverage(compounds)
    if filters.status:
        compounds = compounds.filter(STATUS_Q[filters.status])
    return compounds.select_related("community__street").order_by("code")


def communities_for_filter(*, user, query=None) -> CommunityChoices:
    """The communities offered, street by street once they are many (those of the street in
    ``query``, else only the one it names: ``communities.selectors.communities_for_filter``)."""
    query = query or {}
    return area_communities(
        user=user,
        street_id=ascii_int(query.get("street")),
        chosen_id=ascii_int(query.get("community")),
    )


def coverage_groupings(*, user, communities_wait: bool = False) -> list[str]:
    """Which groups an area role sees the figures by: the bureau by street and community, a
    street office by community; a community or a company sees its compounds only. While the
    community filter waits for a street (``communities_wait``: a province's 2,000 communities),
    the bureau sees the streets alone: a table of every community made the page half a
    megabyte."""
    scope = scope_for(user)
    if scope.everything or scope.district_ids:
        return ["street"] if communities_wait else ["street", "community"]
    if scope.street_ids:
        return ["community"]
    return []


def compounds_for_facilities(*, user) -> QuerySet[Compound]:
    """The compounds whose facilities page the user may open (404 outside the scope)."""
    return Compound.objects.visible_to(user).select_related("community__street")


def compound_entrances(*, user, compound: Compound) -> list[Entrance]:
    """The compound's entrances with their facilities, in two queries."""
    facilities = Facility.objects.visible_to(user).select_related("hazard").order_by("kind", "pk")
    return list(
        Entrance.objects.visible_to(user)
        .filter(compound=compound)
        .prefetch_related(Prefetch("facilities", queryset=facilities))
        .order_by("name", "pk")
    )


def compound_other_facilities(*, user, compound: Compound) -> list[Facility]:
    """The compound's facilities not at an entrance (perimeter, buildings)."""
    return list(
        Facility.objects.visible_to(user)
        .filter(compound=compound, entrance__isnull=True)
        .select_related("hazard")
        .order_by("location", "kind", "building", "pk")
    )


def entrances_for_choice(*, user, compound: Compound) -> QuerySet[Entrance]:
    return Entrance.objects.visible_to(user).filter(compound=compound).order_by("name")


def entrances_for_edit(*, user) -> QuerySet[Entrance]:
    return Entrance.objects.visible_to(user).select_related("compound")


def facilities_for_edit(*, user) -> QuerySet[Facility]:
    return Facility.objects.visible_to(user).select_related("compound", "entrance")
