"""Reads of campaign activities. Every one starts from ``Activity.objects.visible_to(user)``:
an activity outside the user's scope is never read (the pages turn that into a 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from communities.models import (
    LEGAL_EDUCATION_KINDS,
    Activity,
    ActivityPhoto,
    Community,
    Compound,
)
from communities.scoping import scope_for


@dataclass(frozen=True)
class ActivityFilters:
    street_id: int | None = None
    community_id: int | None = None
    compound_id: int | None = None
    kind: str = ""
    month: datetime.date | None = None  # the first day of the month

    @property
    def active_count(self) -> int:
        values = (self.street_id, self.community_id, self.compound_id, self.kind, self.month)
        return sum(1 for value in values if value)

    @property
    def is_filtered(self) -> bool:
        return bool(self.active_count)


def _narrow(activities: QuerySet, filters: ActivityFilters) -> QuerySet:
    """A street or community filter takes both the compounds' activities in it and its
    communities' own; a compound filter takes the compound's only."""
    if filters.street_id is not None:
        activities = activities.filter(
            Q(compound__community__street_id=filters.street_id)
            | Q(community__street_id=filters.street_id)
        )
    if filters.community_id is not None:
        activities = activities.filter(
            Q(compound__community_id=filters.community_id) | Q(community_id=filters.community_id)
        )
    if filters.compound_id is not None:
        activities = activities.filter(compound_id=filters.compound_id)
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.month is not None:
        activities = activities.in_month(filters.month)
    return activities


def activities_for_list(*, user, filters: ActivityFilters = ActivityFilters()) -> QuerySet:
    """The user's activities, newest first, with their place and photo count in one query.
    The count is a subquery per row shown, not a GROUP BY of every activity in scope before
    the page is cut (a province's list read 170,000 rows for 25)."""
    photos = (
        ActivityPhoto.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _narrow(Activity.objects.visible_to(user), filters)
        .select_related("compound__community", "community")
        .annotate(photo_count=Coalesce(Subquery(photos), 0))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class ActivityFigures:
    total: int
    legal_education: int
    participants: int


def activity_figures(activities: QuerySet) -> ActivityFigures:
    """Over an already scoped (and filtered) queryset, one aggregate query: how many
    activities, how many of them legal education (``LEGAL_EDUCATION_KINDS``), and how many
    people took part in all."""
    figures = activities.order_by().aggregate(
        total=Count("pk"),
        legal_education=Count("pk", filter=Q(kind__in=LEGAL_EDUCATION_KINDS)),
        participants=Sum("participants", default=0),
    )
    return ActivityFigures(**figures)


def activities_for_detail(*, user) -> QuerySet:
    """Activities whose page the user may open, with their photos (a second query)."""
    return (
        Activity.objects.visible_to(user)
        .select_related(
            "compound__community__street", "community__street", "organisation", "created_by"
        )
        .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")))
    )


def activity_photos_for(*, user) -> QuerySet:
    """Photos the user may open (their activity is visible)."""
    return ActivityPhoto.objects.visible_to(user).select_related("activity")


def compounds_for_recording(*, user) -> QuerySet[Compound]:
    """The compounds a user may choose for an activity (those of their scope; the service
    checks that the user acts for the one chosen)."""
    return Compound.objects.visible_to(user).select_related("community").order_by("code")


def communities_for_recording(*, user) -> QuerySet[Community]:
    """The communities whose own activities the user may record: those of their area (a
    property company records its compounds' activities, not a community's)."""
    scope = scope_for(user)
    communities = Community.objects.select_related("street").order_by("street__code", "code")
    if scope.everything:
        return communities
    return communities.filter(
        Q(street__district_id__in=scope.district_ids)
        | Q(street_id__in=scope.street_ids)
        | Q(pk__in=scope.community_ids)
    )


def activities_for_evidence(*, user, compound: Compound, month: datetime.date) -> list[Activity]:
    """The legal-education activities (``LEGAL_EDUCATION_KINDS``) dated in ``month`` held in
    the compound or in its whole community, that the user may see: the evidence shown beside
    a self-check's 法制教育好 item. One query, however many there are."""
    return list(
        Activity.objects.visible_to(user)
        .legal_education()
        .in_month(month)
        .filter(Q(compound_id=compound.pk) | Q(community_id=compound.community_id))
        .order_by("date", "pk")
    )
