"""The life of a dispute case, one service per step.

registered → accepted → mediating → resolved | escalated (up one level; accepted again there) |
closed unresolved | withdrawn. Each step runs in one transaction with the case locked, checks
state and role, and writes one event to the case's timeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from auditlog.receivers import log_create
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import Compound, ManagementTerm, Street
from communities.notifications import notify
from communities.uploads import store_upload
from communities.workflow import require
from disputes import errors as e
from disputes import notices as N
from disputes.conflict import in_conflict
from disputes.errors import WorkflowError
from disputes.handlers import can_handle, handlers_for, registration_levels
from disputes.models import (
    CAN_ACCEPT,
    CAN_ESCALATE,
    IN_HAND,
    OPEN_STATUSES,
    CaseAction,
    CaseEvent,
    Category,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    ReturnVisit,
    Status,
    level_above,
)

from .deadlines import auto_escalation_due, default_deadline, set_deadline_check

S = Status
A = CaseAction


# ---------------------------------------------------------------- helpers


def _lock(case: DisputeCase) -> DisputeCase:
    return (
        DisputeCase.objects.select_for_update()
        .select_related("compound__community__street")
        .get(pk=case.pk)
    )


def _require_status(case: DisputeCase, *allowed: str) -> None:
    if case.status not in allowed:
        raise WorkflowError(e.MSG_WRONG_STATE.format(status=case.get_status_display()))


def _require_handler(actor, case: DisputeCase) -> None:
    """The actor acts for an organisation at the case's level (and may see the compound), and
    does not belong to a property company the case concerns (回避)."""
    require(actor, "disputes.handle_disputecase", case.compound)
    if in_conflict(actor, case):
        raise WorkflowError(e.MSG_RECUSED)
    if not can_handle(actor, case):
        raise WorkflowError(e.MSG_NOT_ALLOWED)


def _is_own_new_case(actor, case: DisputeCase) -> bool:
    """首问负责制: the registrant still holds a case nobody has accepted."""
    return actor is not None and case.registered_by_id == actor.pk and case.status == S.REGISTERED


def _event(case: DisputeCase, action: CaseAction, actor, before: str, note: str = "", **extra):
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=case.status,
        actor=actor,
        note=note,
        handler=case.handler,
        deadline=case.deadline,
        **extra,
    )


def _url(case: DisputeCase) -> str:
    return reverse("disputes:case_detail", args=[case.pk])


def _tell(users, case: DisputeCase, kind: str, params: dict, key: str, text: str = "") -> None:
    params = {"number": case.number, **params}
    notify(users=users, kind=kind, text=text, params=params, url=_url(case), dedup_key=key)


def _text(value: str) -> str:
    return (value or "").strip()


def _require_someone_at(case: DisputeCase) -> None:
    """A case only goes to a level where some organisation's people can accept it."""
    if not handlers_for(case).exists():
        raise WorkflowError(e.MSG_NOBODY_AT_LEVEL)


def _require_registrant_or_handler(actor, case: DisputeCase) -> None:
    """首问负责制: the registrant may still act on a case nobody has accepted (with the right
    to register and the compound in scope); otherwise the level's organisation acts."""
    if _is_own_new_case(actor, case):
        require(actor, "disputes.add_disputecase", case.compound)
    else:
        _require_handler(actor, case)


def _require_eligible(case: DisputeCase, *users) -> None:
    eligible = set(handlers_for(case).values_list("pk", flat=True))
    for user in users:
        if user is not None and user.pk not in eligible:
            message = e.MSG_RECUSED_PERSON if in_conflict(user, case) else e.MSG_NOT_AT_LEVEL
            raise WorkflowError(message.format(user=user.get_username()))


def _respondent_company(compound: Compound, category: str, against_company: bool, on):
    """回避: the company a case is against, fixed at registration: the one running the compound
    that day, for a property-service case or when the registrant names it the respondent."""
    if category != Category.PROPERTY_SERVICE and not against_company:
        return None
    running = ManagementTerm.objects.current(on).filter(compound=compound).order_by("-start")
    company_id = running.values_list("company_id", flat=True).first()
    if company_id is None and against_company:
        raise WorkflowError(e.MSG_NO_COMPANY)
    return company_id


def _next_number(street: Street, year: int) -> int:
    """The next sequence for the street and year; the street row is locked meanwhile."""
    Street.objects.select_for_update().filter(pk=street.pk).first()
    top = DisputeCase.objects.filter(street=street, year=year).aggregate(m=Max("sequence"))["m"]
    return (top or 0) + 1


# ---------------------------------------------------------------- register


@transaction.atomic
def case_register(
    *,
    actor,
    compound: Compound,
    category: str,
    source: str,
    description: str,
    parties: list[dict],
    level: str = Level.COMMUNITY,
    amount: Decimal | None = None,
    registered_at: datetime.datetime | None = None,
    against_company: bool = False,
) -> DisputeCase:
    """Register a case in a compound with its parties; the level's organisation is told.

    ``parties`` are dicts with ``role``, ``name`` and optionally ``phone`` and ``id_number``.
    The deadline starts as the default time limit for the level and category.
    ``against_company``: the respondent is the compound's property company (implied for a
    property-service case); the case then goes to the community committee, not the company.
    """
    require(actor, "disputes.add_disputecase", compound)
    if level not in registration_levels(actor):
        raise WorkflowError(e.MSG_LEVEL_NOT_ALLOWED)
    if not parties:
        raise WorkflowError(e.MSG_NO_PARTY)
    registered_at = registered_at or timezone.now()
    on = timezone.localtime(registered_at).date()
    street = compound.community.street
    case = DisputeCase(
        compound=compound,
        street=street,
        year=on.year,
        category=category,
        source=source,
        description=_text(description),
        amount=amount,
        level=level,
        registered_at=registered_at,
        registered_by=actor,
        deadline=default_deadline(level, category, on),
        respondent_company_id=_respondent_company(compound, category, against_company, on),
    )
    case.full_clean(exclude=["number", "sequence", "agreement_file"])
    _require_someone_at(case)
    rows = [Party(case=case, **party) for party in parties]
    for party in rows:
        party.normalise()
        party.full_clean(exclude=["case"])
    case.sequence = _next_number(street, on.year)
    case.number = f"{street.code}-{on.year}-{case.sequence:04d}"
    case.save()
    for party in rows:
        party.case = case
    Party.objects.bulk_create(rows)
    for party in rows:  # bulk_create sends no signal: the audit trail's entry, as save() would
        log_create(sender=Party, instance=party, created=True)
    _event(case, A.REGISTER, actor, "", to_level=level)
    _tell(
        handlers_for(case),
        case,
        N.REGISTERED,
        {"compound": compound.name},
        f"dispute_registered:{case.pk}:{level}",
    )
    return case


# ---------------------------------------------------------------- accept (四定)


@transaction.atomic
def case_accept(
    *, case: DisputeCase, actor, leader, handler, plan: str, deadline: datetime.date | None
) -> DisputeCase:
    """Accept the case at its level with the four fixes: leader, handler, plan and deadline."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *CAN_ACCEPT)
    missing = [
        label
        for label, value in (
            (e.FIX_LEADER, leader),
            (e.FIX_HANDLER, handler),
            (e.FIX_PLAN, _text(plan)),
            (e.FIX_DEADLINE, deadline),
        )
        if not value
    ]
    if missing:
        raise WorkflowError(e.MSG_FOUR_FIXES.format(missing="、".join(map(str, missing))))
    set_deadline_check(deadline)
    _require_eligible(case, leader, handler)
    before = case.status
    case.leader, case.handler, case.plan, case.deadline = leader, handler, _text(plan), deadline
    case.status = S.ACCEPTED
    case.save()
    _event(case, A.ACCEPT, actor, before, to_level=case.level)
    _tell_assigned(case)
    _tell_registrant(case, "accept")
    return case


def _tell_assigned(case: DisputeCase) -> None:
    _tell(
        {case.handler, case.leader},
        case,
        N.ASSIGNED,
        {"deadline": case.deadline.isoformat()},
        f"dispute_assigned:{case.pk}:{case.level}:{case.handler_id}:{case.leader_id}",
    )


def _tell_registrant(case: DisputeCase, step: str) -> None:
    """首问负责制: the person who registered the case hears of each step."""
    if case.registered_by is None:
        return
    _tell(
        [case.registered_by],
        case,
        N.PROGRESS,
        {"status": case.status, "level": case.level},
        f"dispute_progress:{case.pk}:{step}:{case.level}:{case.status}",
    )


# ---------------------------------------------------------------- mediate


def _require_attendees(case: DisputeCase, parties, staff) -> None:
    """Parties present are the case's own; staff present work on the case at its level (the
    people it may be assigned to: ``handlers_for``)."""
    if any(party.case_id != case.pk for party in parties):
        raise WorkflowError(e.MSG_ATTENDEE_NOT_PARTY)
    if staff:
        _require_eligible(case, *staff)


@transaction.atomic
def session_record(
    *,
    case: DisputeCase,
    actor,
    held_on: datetime.date,
    mediators: str,
    agreed: str,
    parties_present: Sequence[Party] = (),
    staff_present: Sequence = (),
    other_attendees: str = "",
) -> MediationSession:
    """Log a mediation session; the first one moves an accepted case to mediating.

    Who came: ``parties_present`` (the case's own parties), ``staff_present`` (people who work
    on the case) and ``other_attendees`` (anyone else, by role or office: 楼长, 社区民警).
    """
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *IN_HAND)
    if not _text(agreed):
        raise WorkflowError(e.MSG_AGREED_REQUIRED)
    if not (timezone.localtime(case.registered_at).date() <= held_on <= timezone.localdate()):
        raise WorkflowError(e.MSG_SESSION_DATE)
    parties_present, staff_present = list(parties_present), list(staff_present)
    _require_attendees(case, parties_present, staff_present)
    session = MediationSession(
        case=case,
        held_on=held_on,
        mediators=_text(mediators),
        other_attendees=_text(other_attendees),
        agreed=_text(agreed),
        recorded_by=actor,
    )
    session.full_clean(exclude=["case"])
    session.save()
    session.parties_present.set(parties_present)
    session.staff_present.set(staff_present)
    before = case.status
    case.status = S.MEDIATING
    case.save()
    _event(case, A.SESSION, actor, before, f"{held_on.isoformat()} {session.agreed}")
    return session


# ---------------------------------------------------------------- close


@transaction.atomic
def case_resolve(
    *,
    case: DisputeCase,
    actor,
    outcome: str,
    agreement_reached: bool,
    agreement_file=None,
) -> DisputeCase:
    """Resolved: the outcome, and where an agreement was reached, the agreement itself."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *IN_HAND)
    if not _text(outcome):
        raise WorkflowError(e.MSG_OUTCOME_REQUIRED)
    if agreement_reached and not agreement_file:
        raise WorkflowError(e.MSG_AGREEMENT_FILE)
    before = case.status
    case.outcome, case.agreement_reached = _text(outcome), bool(agreement_reached)
    if agreement_reached:  # named by its content, never by the uploader's file name
        store_upload(case.agreement_file, agreement_file, stem="agreement")
    case.status, case.closed_at = S.RESOLVED, timezone.now()
    case.save()
    _event(case, A.RESOLVE, actor, before, case.outcome)
    _tell_registrant(case, "resolve")
    return case


@transaction.atomic
def case_close_unresolved(
    *, case: DisputeCase, actor, referred_to: str, where: str, note: str = ""
) -> DisputeCase:
    """Mediation failed: the case goes to a court, to arbitration or to another department."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *IN_HAND)
    if not referred_to or not _text(where):
        raise WorkflowError(e.MSG_REFERRAL_REQUIRED)
    before = case.status
    case.referred_to, case.referred_where = referred_to, _text(where)
    case.outcome = _text(note)
    case.full_clean(exclude=["agreement_file"])
    case.status, case.closed_at = S.CLOSED_UNRESOLVED, timezone.now()
    case.save()
    note = f"{case.get_referred_to_display()}: {case.referred_where}. {case.outcome}".strip()
    _event(case, A.CLOSE, actor, before, note)
    _tell_registrant(case, "close")
    return case


@transaction.atomic
def case_withdraw(*, case: DisputeCase, actor, reason: str) -> DisputeCase:
    """The parties withdraw. The handling organisation records it, or the registrant while
    nobody has accepted the case yet."""
    case = _lock(case)
    if in_conflict(actor, case):  # the registrant too: a company never closes a case against it
        raise WorkflowError(e.MSG_RECUSED)
    _require_registrant_or_handler(actor, case)
    _require_status(case, *OPEN_STATUSES)
    if not _text(reason):
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    before = case.status
    case.status, case.closed_at = S.WITHDRAWN, timezone.now()
    case.save()
    _event(case, A.WITHDRAW, actor, before, _text(reason))
    _tell_registrant(case, "withdraw")
    return case


# ---------------------------------------------------------------- escalate


@transaction.atomic
def case_escalate(*, case: DisputeCase, actor, reason: str) -> DisputeCase:
    """Hand the case to the next level up, with a new default deadline; that level accepts it
    again with its own four fixes. ``actor=None`` is the daily job's automatic escalation."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *CAN_ESCALATE)
    upper = level_above(case.level)
    if upper is None:
        raise WorkflowError(e.MSG_TOP_LEVEL)
    if not _text(reason):
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    before, lower = case.status, case.level
    case.level, case.status = upper, S.ESCALATED
    _require_someone_at(case)  # raises before anything is saved
    case.leader = case.handler = None
    case.deadline = default_deadline(upper, case.category, timezone.localdate())
    case.escalations += 1
    case.save()
    _event(case, A.ESCALATE, actor, before, _text(reason), from_level=lower, to_level=upper)
    _tell(
        handlers_for(case),
        case,
        N.REGISTERED,
        {"deadline": case.deadline.isoformat()},
        f"dispute_registered:{case.pk}:{upper}",
        text=N.ESCALATED,
    )
    _tell_registrant(case, "escalate")
    return case


def case_auto_escalate(*, case: DisputeCase, today: datetime.date) -> DisputeCase | None:
    """The daily job's escalation: re-checked under the lock, so two overlapping runs (or a
    redelivered task) escalate a case once; a case that cannot go up is left as it is."""
    with transaction.atomic():
        locked = _lock(case)
        if locked.status not in CAN_ESCALATE or not auto_escalation_due(
            locked.level, locked.deadline, today
        ):
            return None
        try:
            with transaction.atomic():
                return case_escalate(
                    case=locked,
                    actor=None,
                    reason=gettext("Escalated automatically: overdue since %(deadline)s.")
                    % {"deadline": locked.deadline.isoformat()},
                )
        except WorkflowError:  # nobody at the next level: stays, and is reported overdue
            return None


# ---------------------------------------------------------------- change hands or deadline


@transaction.atomic
def case_reassign(*, case: DisputeCase, actor, leader, handler, reason: str) -> DisputeCase:
    """A new leader or handler at the same level."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *IN_HAND)
    if leader is None or handler is None:
        missing = e.FIX_LEADER if leader is None else e.FIX_HANDLER
        raise WorkflowError(e.MSG_FOUR_FIXES.format(missing=missing))
    if not _text(reason):
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    _require_eligible(case, leader, handler)
    case.leader, case.handler = leader, handler
    case.save()
    _event(case, A.REASSIGN, actor, case.status, _text(reason))
    _tell_assigned(case)
    return case


@transaction.atomic
def case_set_deadline(
    *, case: DisputeCase, actor, deadline: datetime.date, reason: str
) -> DisputeCase:
    """Move the deadline (an extension needs a reason; the timeline keeps both dates)."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, *IN_HAND)
    if not _text(reason):
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    set_deadline_check(deadline)
    old = case.deadline
    case.deadline = deadline
    case.save()
    note = f"{old.isoformat()} → {deadline.isoformat()}: {_text(reason)}"
    _event(case, A.DEADLINE, actor, case.status, note)
    return case


# ---------------------------------------------------------------- after resolution


@transaction.atomic
def return_visit_record(
    *, case: DisputeCase, actor, visited_on: datetime.date, satisfaction: str, note: str = ""
) -> ReturnVisit:
    """回访: the residents' satisfaction some time after the case was resolved."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_status(case, S.RESOLVED)
    if not (timezone.localtime(case.closed_at).date() <= visited_on <= timezone.localdate()):
        raise WorkflowError(e.MSG_VISIT_DATE)
    visit = ReturnVisit(
        case=case,
        visited_on=visited_on,
        satisfaction=satisfaction,
        note=_text(note),
        visited_by=actor,
    )
    visit.full_clean(exclude=["case"])
    visit.save()
    case.satisfaction = satisfaction
    case.save()
    _event(case, A.VISIT, actor, case.status, f"{visit.get_satisfaction_display()} {visit.note}")
    return visit


@transaction.atomic
def party_add(
    *, case: DisputeCase, actor, role: str, name: str, phone: str = "", id_number: str = ""
) -> Party:
    """Add a party found later (the handler, or the registrant before acceptance)."""
    case = _lock(case)
    _require_registrant_or_handler(actor, case)
    _require_status(case, *OPEN_STATUSES)
    party = Party(case=case, role=role, name=_text(name), phone=phone, id_number=id_number)
    party.normalise()
    party.full_clean()
    party.save()
    _event(case, A.PARTY, actor, case.status, party.get_role_display())
    return party
