"""Reads of dispute cases: every function starts from ``visible_to(user)``.

``cases_for_list`` is shared by the workbench list and the Excel export, so both show the same
cases for the same filters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.models import Compound
from communities.search import any_of, compound_part, text_part
from disputes.conflict import conflicted_q, in_conflict
from disputes.handlers import handled_by_q
from disputes.models import (
    CAN_ACCEPT,
    CAN_ESCALATE,
    IN_HAND,
    LIST_ORDER,
    OPEN_STATUSES,
    CaseEvent,
    DisputeCase,
    MediationSession,
    Party,
    ReturnVisit,
    Status,
    level_above,
)
from disputes.roles import sees_parties

STATUS_OPEN = "open"  # a pseudo-status for the filter: every status not yet closed

# Actions on a case, by the state they start from (the services check again).
ACTION_ACCEPT = "accept"
ACTION_SESSION = "session"
ACTION_RESOLVE = "resolve"
ACTION_CLOSE = "close"
ACTION_WITHDRAW = "withdraw"
ACTION_ESCALATE = "escalate"
ACTION_REASSIGN = "reassign"
ACTION_DEADLINE = "deadline"
ACTION_VISIT = "visit"
ACTION_PARTY = "party"


@dataclass(frozen=True)
class CaseFilters:
    """What the case list is narrowed by; every value was checked against the offered choices."""

    status: str = ""  # a Status value, or STATUS_OPEN
    level: str = ""
    category: str = ""
    source: str = ""
    compound_id: int | None = None
    overdue: bool = False
    mine: bool = False
    query: str = ""  # part of the case number, the description or the compound's name
    year: int | None = None  # year registered
    awaiting: bool = False  # waiting for my organisation to accept (see ``_awaiting_q``)

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (the search counts as one)."""
        return sum(
            bool(value)
            for value in (
                self.status,
                self.level,
                self.category,
                self.source,
                self.compound_id,
                self.overdue,
                self.mine,
                self.query,
                self.year,
                self.awaiting,
            )
        )

    @property
    def is_filtered(self) -> bool:
        return self.active_count > 0


def _description_part(user, query: str) -> tuple[Q, Q]:
    """The description matches the search, for a reader who may see the case's parties in full.
    For any other reader (or case: 回避) the description is not searched at all (as in the
    admin): the page shows it with the parties' names masked, and a hit on any piece of a name
    (赵明远 → «远反映») would confirm a guessed name. As ``communities.search.text_part``."""
    if sees_parties(user):
        found, exact = text_part("description", query)
        return found, exact & ~conflicted_q(user)
    nothing = Q(pk__in=[])
    return nothing, nothing


def _mine_q(user) -> Q:
    """Cases I lead or handle, or that I registered (首问负责制)."""
    return Q(handler_id=user.pk) | Q(leader_id=user.pk) | Q(registered_by_id=user.pk)


def _awaiting_q(user) -> Q:
    """Cases waiting (registered or escalated) for an organisation the user acts for."""
    return Q(status__in=CAN_ACCEPT) & handled_by_q(user)


def cases_for_list(
    *, user, filters: CaseFilters | None = None, today: datetime.date | None = None
) -> QuerySet[DisputeCase]:
    """The cases a user sees, filtered; open ones first by deadline, then the newest."""
    filters = filters or CaseFilters()
    today = today or timezone.localdate()
    cases = DisputeCase.objects.visible_to(user)
    if filters.status == STATUS_OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    for field in ("level", "category", "source", "compound_id"):
        value = getattr(filters, field)
        if value:
            cases = cases.filter(**{field: value})
    if filters.overdue:
        cases = cases.overdue(today)
    if filters.mine:
        cases = cases.filter(_mine_q(user))
    if filters.query:
        cases = cases.filter(
            any_of(
                text_part("number", filters.query),
                _description_part(user, filters.query),
                compound_part(user, filters.query),
            )
        )
    if filters.year:
        cases = cases.filter(year=filters.year)
    if filters.awaiting:
        cases = cases.filter(_awaiting_q(user))
    return cases.order_by(*LIST_ORDER)  # the order an index holds


def cases_for_page(
    *, user, filters: CaseFilters | None = None, today: datetime.date | None = None
) -> QuerySet[DisputeCase]:
    """``cases_for_list`` with what a row of the workbench list shows (one query a page)."""
    return cases_for_list(user=user, filters=filters, today=today).select_related(
        "compound", "handler"
    )


def awaiting_cases(*, user) -> QuerySet[DisputeCase]:
    """The visible cases waiting for the user's organisation to accept them."""
    return DisputeCase.objects.visible_to(user).filter(_awaiting_q(user))


def awaiting_count(*, user) -> int:
    """How many visible cases wait for the user's organisation to accept them (one query)."""
    return awaiting_cases(user=user).count()


def compounds_for_case_register(*, user) -> QuerySet[Compound]:
    """The compounds a user may register a case in."""
    return Compound.objects.visible_to(user).order_by("code")


def cases_for_detail(*, user) -> QuerySet[DisputeCase]:
    """The cases whose page a user may open, with everything the page shows of them."""
    return DisputeCase.objects.visible_to(user).select_related(
        "compound__community__street", "registered_by", "leader", "handler", "respondent_company"
    )


def cases_for_agreement(*, user) -> QuerySet[DisputeCase]:
    """The cases whose agreement file a user may download (that field is read, and what 回避
    needs)."""
    return DisputeCase.objects.visible_to(user).only(
        "pk", "number", "agreement_file", "category", "respondent_company", "compound"
    )


def case_parties(*, user, case: DisputeCase) -> QuerySet[Party]:
    return Party.objects.visible_to(user).filter(case=case).order_by("pk")


def case_sessions(*, user, case: DisputeCase) -> QuerySet[MediationSession]:
    return (
        MediationSession.objects.visible_to(user)
        .filter(case=case)
        .select_related("recorded_by")
        .order_by("held_on", "pk")
    )


def case_return_visits(*, user, case: DisputeCase) -> QuerySet[ReturnVisit]:
    return (
        ReturnVisit.objects.visible_to(user)
        .filter(case=case)
        .select_related("visited_by")
        .order_by("visited_on", "pk")
    )


def case_events(*, user, case: DisputeCase) -> QuerySet[CaseEvent]:
    """The case's whole timeline, oldest first."""
    return (
        CaseEvent.objects.visible_to(user)
        .filter(case=case)
        .select_related("actor", "handler")
        .order_by("at", "pk")
    )


def case_actions_for(*, user, case: DisputeCase, handles: bool) -> set[str]:
    """The actions to offer on the case in its state; ``handles`` is ``can_handle(user, case)``.

    The registrant of a case nobody has accepted yet may still withdraw it or add a party
    (首问负责制). The services decide again when the form is sent.
    """
    actions: set[str] = set()
    status = case.status
    if handles:
        if status in CAN_ACCEPT:
            actions.add(ACTION_ACCEPT)
        if status in IN_HAND:
            actions |= {
                ACTION_SESSION,
                ACTION_RESOLVE,
                ACTION_CLOSE,
                ACTION_REASSIGN,
                ACTION_DEADLINE,
            }
        if status in CAN_ESCALATE:
            actions |= {ACTION_WITHDRAW, ACTION_PARTY}
            if level_above(case.level) is not None:
                actions.add(ACTION_ESCALATE)
        if status == Status.RESOLVED:
            actions.add(ACTION_VISIT)
    elif (
        status == Status.REGISTERED
        and user.is_authenticated
        and case.registered_by_id == user.pk
        and not in_conflict(user, case)  # 回避: a company never withdraws a case against it
        and (
            user.has_perm("disputes.add_disputecase")
            or user.has_perm("disputes.handle_disputecase")
        )
    ):
        actions |= {ACTION_WITHDRAW, ACTION_PARTY}
    return actions
