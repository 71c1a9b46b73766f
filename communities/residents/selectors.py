"""Reads of the residents pages. Every one starts from ``visible_to(user)``: a household or a
resident outside the user's scope is never read (the pages turn that into a 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.functions import Length

from communities.models import Community, Compound, Household, Resident, Street
from communities.scoping import compounds_visible_to, scope_for

from . import tallies
from .figures import ResidentFigures, with_counts

#: 2-1-102 before 2-1-1001, 2 before 10: a shorter number first, then the text.
NATURAL_ORDER = [Length("building"), "building", Length("unit"), "unit", Length("room"), "room"]
LEVEL_MODELS = {"street": Street, "community": Community, "compound": Compound}
#: places a page of the figures (a province has 20,000 compounds)
PLACES_PAGE_SIZE = 100


def households_for_detail(*, user) -> QuerySet[Household]:
    return Household.objects.visible_to(user).select_related("compound__community__street")


def residents_for_change(*, user) -> QuerySet[Resident]:
    return Resident.objects.visible_to(user).select_related("household__compound")


def compound_households(*, user, compound: Compound, building: str = "", room: str = ""):
    """The compound's households with their counts (roster or typed), in natural order."""
    households = Household.objects.visible_to(user).filter(compound=compound)
    if building:
        households = households.filter(building=building)
    if room:
        households = households.filter(room__icontains=room)
    return with_counts(households).order_by(*NATURAL_ORDER, "pk")


def compound_buildings(*, user, compound: Compound) -> list[str]:
    """The buildings of the compound's households, for the page's filter."""
    rows = (
        Household.objects.visible_to(user)
        .filter(compound=compound)
        .order_by(Length("building"), "building")
        .values_list("building", flat=True)
        .distinct()
    )
    return list(rows)


def household_residents(household: Household) -> tuple[list[Resident], list[Resident]]:
    """Those living there and those who moved out (the history), in one query."""
    rows = list(Resident.objects.filter(household=household).order_by("moved_out", "pk"))
    present = [r for r in rows if r.moved_out is None]
    moved_out = sorted((r for r in rows if r.moved_out), key=lambda r: r.moved_out, reverse=True)
    return present, moved_out


def default_level(user) -> str:
    """How the figures page groups by default: by street for a district, by compound for a
    company or a single community, else by community."""
    scope = scope_for(user)
    if scope.everything or scope.district_ids:
        return "street"
    if scope.company_only or (scope.community_ids and not scope.street_ids):
        return "compound"
    return "community"


@dataclass(frozen=True)
class PlaceFigures:
    """The figures of the user's area today: the total and one page of the places."""

    total: ResidentFigures
    page: Page  # of (place, figures), in the order of the places' codes


def figures_for_scope(*, user, level: str, page: str | None = None) -> PlaceFigures:
    """The sums of the user's compounds' tallies, grouped by ``level``; the page's places in
    the order of their codes (a province has 20,000 compounds): five queries once the
    tallies are current."""
    grouped = tallies.figures_by(tallies.current(compounds_visible_to(user)), level)
    model = LEVEL_MODELS[level]
    ordered = model.objects.filter(pk__in=list(grouped)).order_by("code", "pk")
    shown = Paginator(list(ordered.values_list("pk", flat=True)), PLACES_PAGE_SIZE).get_page(page)
    places = model.objects.in_bulk(list(shown.object_list))
    shown.object_list = [(places[pk], grouped[pk]) for pk in shown.object_list if pk in places]
    return PlaceFigures(total=tallies.total(grouped.values()), page=shown)
