"""Reads of hazards: every function starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.acting import acting_for_q
from communities.models import Compound, OrganisationKind
from inspections.models import Answer, Hazard, HazardEvent, HazardStatus
from inspections.models.hazards import LIST_ORDER

H = HazardStatus

# Actions on a hazard, by the state they start from (the services check again).
ACTION_START = "start"
ACTION_RECTIFY = "rectify"
ACTION_VERIFY = "verify"
ACTION_REJECT = "reject"


def hazards_unverified_for(*, user, compound: Compound):
    """The compound's hazards not yet verified: shown on its next month's check."""
    return (
        Hazard.objects.visible_to(user)
        .filter(compound=compound)
        .unverified()
        .order_by("deadline", "pk")
    )


@dataclass(frozen=True)
class HazardFilters:
    """What the hazard list is narrowed by; every value was checked against the offered choices."""

    status: str = ""
    category: str = ""
    severity: str = ""
    compound_id: int | None = None
    overdue: bool = False
    mine: bool = False
    query: str = ""  # part of the compound's name, the description or the responsible party

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (the search counts as one)."""
        return sum(
            bool(value)
            for value in (
                self.status,
                self.category,
                self.severity,
                self.compound_id,
                self.overdue,
                self.mine,
                self.query,
            )
        )

    @property
    def is_filtered(self) -> bool:
        return self.active_count > 0


STATUS_UNVERIFIED = "unverified"


def _mine_q(user) -> Q:
    """Hazards my company must rectify, or rectifications waiting for my verification."""
    mine = Q(pk__in=[])
    if user.has_perm("inspections.rectify_hazard"):
        company = (OrganisationKind.PROPERTY_COMPANY,)
        mine |= Q(status__in=(H.OPEN, H.RECTIFYING)) & acting_for_q(user, company)
    if user.has_perm("inspections.verify_hazard"):
        mine |= Q(status=H.RECTIFIED) & ~Q(rectified_by_id=user.pk)
    return mine


def hazards_filtered(
    *, user, filters: HazardFilters | None = None, today: datetime.date | None = None
) -> QuerySet[Hazard]:
    """The hazards a user sees, narrowed by the list's filters, in no order (for figures)."""
    filters = filters or HazardFilters()
    today = today or timezone.localdate()
    hazards = Hazard.objects.visible_to(user)
    if filters.status == STATUS_UNVERIFIED:
        hazards = hazards.unverified()
    elif filters.status:
        hazards = hazards.filter(status=filters.status)
    if filters.category:
        hazards = hazards.filter(category=filters.category)
    if filters.severity:
        hazards = hazards.filter(severity=filters.severity)
    if filters.compound_id is not None:
        hazards = hazards.filter(compound_id=filters.compound_id)
    if filters.overdue:
        hazards = hazards.overdue(today)
    if filters.mine:
        hazards = hazards.filter(_mine_q(user))
    if filters.query:
        hazards = hazards.filter(
            Q(compound__name__icontains=filters.query)
            | Q(description__icontains=filters.query)
            | Q(responsible_party__icontains=filters.query)
        )
    return hazards


def hazards_for_list(
    *, user, filters: HazardFilters | None = None, today: datetime.date | None = None
) -> QuerySet[Hazard]:
    """The hazards a user sees in the list: unverified first, then by deadline; one query."""
    return (
        hazards_filtered(user=user, filters=filters, today=today)
        .select_related("compound")
        .order_by(*LIST_ORDER)  # the order an index holds
    )


def compounds_for_hazard_raise(*, user) -> QuerySet[Compound]:
    """The compounds a user may raise a hazard on, with the company that runs each today."""
    return Compound.objects.visible_to(user).with_current_company().order_by("code")


def answer_for_hazard(*, user, pk: int) -> Answer | None:
    """A failed item's answer the user may raise a hazard from, with its inspection and compound."""
    return (
        Answer.objects.visible_to(user)
        .select_related("item", "inspection__compound")
        .filter(pk=pk)
        .first()
    )


def current_company_name(*, compound: Compound) -> str:
    """The name of the property company that runs the compound today ("" if none)."""
    term = compound.current_term()
    return term.company.name if term is not None else ""


def hazards_for_detail(*, user) -> QuerySet[Hazard]:
    """The hazards whose page a user may open, with everything the page shows of them."""
    return Hazard.objects.visible_to(user).select_related(
        "compound__community__street",
        "inspection",
        "answer__item",
        "raised_by",
        "rectified_by",
        "verified_by",
    )


def hazards_for_photo(*, user) -> QuerySet[Hazard]:
    """The hazards whose photos a user may see (only the photo fields are read)."""
    return Hazard.objects.visible_to(user).only("pk", "photo", "after_photo")


def hazard_events(*, user, hazard: Hazard) -> QuerySet[HazardEvent]:
    """The hazard's timeline, oldest first."""
    return (
        HazardEvent.objects.visible_to(user)
        .filter(hazard=hazard)
        .select_related("actor")
        .order_by("at", "pk")
    )


def hazard_actions_for(*, user, hazard: Hazard) -> set[str]:
    """The actions to offer this user on the hazard in its state (the services decide)."""
    actions = set()
    if user.has_perm("inspections.rectify_hazard"):
        if hazard.status == H.OPEN:
            actions.add(ACTION_START)
        if hazard.status in (H.OPEN, H.RECTIFYING):
            actions.add(ACTION_RECTIFY)
    if (
        user.has_perm("inspections.verify_hazard")
        and hazard.status == H.RECTIFIED
        and hazard.rectified_by_id != user.pk
    ):
        actions |= {ACTION_VERIFY, ACTION_REJECT}
    return actions
