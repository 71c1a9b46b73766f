"""The disputes' share of ``seed_scale``: cases with parties, mediation sessions, return visits
and timelines, numbered per street and year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from communities.demo import _mobile, _person_name
from communities.models import Street
from disputes.demo import CATEGORY_WEIGHTS, MEDIATION, PLANS, SOURCE_WEIGHTS
from disputes.models import (
    CaseAction,
    CaseEvent,
    Category,
    DisputeCase,
    Level,
    MediationSession,
    Party,
    PartyRole,
    ReturnVisit,
    Satisfaction,
    Status,
)
from disputes.services.deadlines import time_limit
from disputes.workdays import is_working_day

from .plan import BATCH, CASE_TEXT, SATISFACTION_WEIGHTS, Place, Run, with_ids


def _add_working_days(run: Run, start: datetime.date, n: int) -> datetime.date:
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day, run.holidays):
            counted += 1
    return day


@dataclass
class CaseDraft:
    """One case's timeline as drawn: steps (action, moment, status after, level after)."""

    place: Place
    category: str
    level: str
    registered_at: datetime.datetime
    steps: list = field(default_factory=list)
    deadline: datetime.date | None = None


def _case_script(run: Run, place: Place, at: datetime.datetime) -> CaseDraft:
    """Register, accept, one or two sessions, then resolve (most), escalate and resolve at the
    street, close unresolved or withdraw; each step after the last is cut where it would pass
    now, so recent cases are still open. A slow few take weeks between steps (overdue)."""
    rng = run.rng
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    draft = CaseDraft(place, category, Level.COMMUNITY, at)
    slow = rng.random() < 0.06
    moment = at

    def step(action: str, status: str, level: str, low: int, high: int) -> None:
        nonlocal moment
        gap = rng.randint(low, high) + (rng.randint(10, 30) if slow else 0)
        moment = moment + datetime.timedelta(days=gap, hours=rng.randint(0, 6))
        draft.steps.append((action, moment, status, level))

    draft.steps.append(("register", at, Status.REGISTERED, Level.COMMUNITY))
    roll = rng.random()
    if roll < 0.04:
        step("withdraw", Status.WITHDRAWN, Level.COMMUNITY, 1, 3)
        return draft
    level = Level.COMMUNITY
    if roll < 0.12:  # mediation fails at the community: the street takes it
        step("accept", Status.ACCEPTED, level, 0, 2)
        step("session", Status.MEDIATING, level, 2, 6)
        step("escalate", Status.ESCALATED, Level.STREET, 0, 2)
        level = Level.STREET
    step("accept", Status.ACCEPTED, level, 0, 2)
    step("session", Status.MEDIATING, level, 2, 6)
    if rng.random() < 0.4:
        step("session", Status.MEDIATING, level, 2, 6)
    if roll < 0.17:
        step("close", Status.CLOSED_UNRESOLVED, level, 0, 2)
        return draft
    step("resolve", Status.RESOLVED, level, 0, 2)
    if rng.random() < 0.85:
        step("visit", Status.RESOLVED, level, 4, 20)
    return draft


def disputes_seed(run: Run) -> None:
    """Registered evenly from the first generated month to now, numbered per street and year
    in order."""
    rng, plan = run.rng, run.plan
    n = plan.size("disputes")
    span_start = plan.history_start
    moments = sorted(run.moment_between(span_start, plan.now) for _ in range(n))
    numbers: dict[tuple[int, int], int] = {}
    for street_id, year, top in _top_sequences():
        numbers[(street_id, year)] = top
    street_codes = dict(Street.objects.values_list("pk", "code"))
    for start in range(0, n, BATCH):
        drafts = [
            _case_script(run, rng.choice(run.places), at) for at in moments[start : start + BATCH]
        ]
        _write_cases(run, drafts, numbers, street_codes)


def _top_sequences():
    from django.db.models import Max

    rows = DisputeCase.objects.values("street_id", "year").annotate(top=Max("sequence"))
    return [(r["street_id"], r["year"], r["top"]) for r in rows]


CASE_ACTIONS = {
    "register": CaseAction.REGISTER,
    "accept": CaseAction.ACCEPT,
    "session": CaseAction.SESSION,
    "escalate": CaseAction.ESCALATE,
    "resolve": CaseAction.RESOLVE,
    "close": CaseAction.CLOSE,
    "withdraw": CaseAction.WITHDRAW,
    "visit": CaseAction.VISIT,
}


def _write_cases(run: Run, drafts: list[CaseDraft], numbers, street_codes) -> None:
    rng, now = run.rng, run.plan.now
    cases = run.writer(DisputeCase)
    pk = cases.ids(len(drafts))
    case_rows, party_rows, event_rows, session_rows, visit_rows = [], [], [], [], []
    for i, draft in enumerate(drafts):
        case_id = pk + i
        steps = [s for s in draft.steps if s[1] <= now]
        place, category = draft.place, draft.category
        first_text, second_text, outcome = MEDIATION[category]
        year = timezone.localtime(draft.registered_at).year
        sequence = numbers.get((place.street_id, year), 0) + 1
        numbers[(place.street_id, year)] = sequence
        day = timezone.localdate(draft.registered_at)
        deadline = _add_working_days(run, day, time_limit(Level.COMMUNITY, category))
        row = {
            "id": case_id,
            "number": f"{street_codes[place.street_id]}-{year}-{sequence:04d}",
            "street_id": place.street_id,
            "year": year,
            "sequence": sequence,
            "compound_id": place.pk,
            "category": category,
            "source": rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0],
            "description": CASE_TEXT.format(compound=place.name),
            "registered_at": draft.registered_at,
            "created_at": draft.registered_at,
        }
        if category == Category.PROPERTY_SERVICE and place.company_id:
            row["respondent_company_id"] = place.company_id
        status, level, before, sessions, escalations = Status.REGISTERED, Level.COMMUNITY, "", 0, 0
        for action, at, to_status, to_level in steps:
            event = {
                "case_id": case_id,
                "action": CASE_ACTIONS[action],
                "from_status": before,
                "to_status": to_status,
                "at": at,
            }
            if action == "escalate":
                escalations += 1
                event["from_level"], event["to_level"] = level, to_level
                deadline = _add_working_days(
                    run, timezone.localdate(at), time_limit(to_level, category)
                )
            elif action in ("register", "accept"):
                event["to_level"] = to_level
                if action == "accept":
                    row["plan"] = PLANS[to_level]
                    deadline = _add_working_days(
                        run, timezone.localdate(at), time_limit(to_level, category)
                    )
            elif action == "session":
                held = timezone.localdate(at)
                agreed = (first_text, second_text)[min(sessions, 1)]
                sessions += 1
                event["note"] = f"{held.isoformat()} {agreed}"
                session_rows.append(
                    {
                        "case_id": case_id,
                        "held_on": held,
                        "mediators": f"{_person_name(rng)}、{_person_name(rng)}",
                        "agreed": agreed,
                        "recorded_at": at,
                    }
                )
            elif action == "resolve":
                row["outcome"] = outcome
                row["agreement_reached"] = rng.random() < 0.6
                row["closed_at"] = at
            elif action in ("close", "withdraw"):
                row["closed_at"] = at
                if action == "close":
                    row["referred_to"] = "court"
                    row["referred_where"] = "青禾区人民法院"
                    row["outcome"] = "调解不成，引导当事人依法诉讼。"
            elif action == "visit":
                satisfaction = rng.choices(
                    list(SATISFACTION_WEIGHTS), weights=list(SATISFACTION_WEIGHTS.values())
                )[0]
                row["satisfaction"] = satisfaction
                event["note"] = str(Satisfaction(satisfaction).label)
                visit_rows.append(
                    {
                        "case_id": case_id,
                        "visited_on": timezone.localdate(at),
                        "satisfaction": satisfaction,
                        "recorded_at": at,
                    }
                )
            event["deadline"] = deadline
            event_rows.append(event)
            status, level, before = to_status, to_level, to_status
        row.update(
            status=status,
            level=level,
            deadline=deadline,
            escalations=escalations,
            updated_at=steps[-1][1],
        )
        case_rows.append(row)
        for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            party_rows.append(
                {"case_id": case_id, "role": role, "name": _person_name(rng), "phone": _mobile(rng)}
            )
    cases.write(case_rows)
    with_ids(run.writer(Party), party_rows)
    with_ids(run.writer(CaseEvent), event_rows)
    with_ids(run.writer(MediationSession), session_rows)
    with_ids(run.writer(ReturnVisit), visit_rows)
