"""The patrols app's share of ``seed_scale``: guard teams with plans and three months of
patrol logs, household-watch groups (十户联防) and 物防/技防 facilities, written like the rest of
the generator (``scale.writer``: ids given here, no audit entries).

- Each company running new compounds (demo companies A and B too) gets one guard team
  (秩序维护队: four guards, a nightly 20:00–22:00 window) covering the new compounds it runs
  (the demo's own teams are 保安巡逻队, so the names never meet); on six nights of seven in
  the last ``PATROL_DAYS`` days the team patrols up to three of them (every log closed: one
  open log per team at most).
- Occupied households are grouped about ten a group in address order, led by the first; nine
  compounds in ten are grouped, each formed on a day in the past year.
- About one patrol in twelve records a finding in one of the compounds it went through (none
  raises a hazard: the generated hazards are the checks' part).
- Every compound gets one or two gates with a camera, access control and a barrier, plus an
  alarm point, a perimeter wall, lighting and fire equipment; a few are out of service.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from communities.demo import _mobile, _person_name
from communities.models import Occupancy
from patrols.models import (
    Entrance,
    EntranceKind,
    Facility,
    FacilityKind,
    FacilityLocation,
    MemberCategory,
    PatrolFinding,
    PatrolLog,
    PatrolPlanSlot,
    PatrolTeam,
    TeamKind,
    TeamMember,
    WatchGroup,
    WatchGroupMembership,
)

if TYPE_CHECKING:
    from .plan import Run

PATROL_DAYS = 92
GROUP_SIZE = 10
GROUPED_SHARE = 0.9
GATES = ("北门", "南门", "东门", "西门")
NIGHT = (datetime.time(20, 0), datetime.time(22, 0))
FINDING_SHARE = 0.08  # of the patrols, one finding (none raises a hazard: those are hazards')
FINDINGS = ("单元门禁损坏未关闭。", "消防通道有车辆停放。", "楼道堆放杂物。", "路灯不亮。")


def _with_ids(run: Run, model, rows: list[dict]) -> int:
    writer = run.writer(model)
    first = writer.ids(len(rows))
    for i, row in enumerate(rows):
        row["id"] = first + i
    writer.write(rows)
    return first


def patrols_seed(run: Run) -> None:
    """One guard team per new company with its members, weekly plan and patrol logs."""
    rng, plan = run.rng, run.plan
    by_company: dict[int, list] = {}
    for place in run.places:
        if place.company_id and place.organisation_id:
            by_company.setdefault(place.organisation_id, []).append(place)
    teams = []
    for organisation_id, places in sorted(by_company.items()):
        teams.append(
            {
                "organisation_id": organisation_id,
                "kind": TeamKind.GUARDS,
                "name": f"{places[0].company_name[:8]}秩序维护队",
                "leader_name": _person_name(rng),
                "leader_phone": _mobile(rng),
                "created_at": plan.now,
                "updated_at": plan.now,
            }
        )
    first = _with_ids(run, PatrolTeam, teams)
    covered, members, slots = [], [], []
    since = plan.today - datetime.timedelta(days=PATROL_DAYS)
    planned = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    team_members: dict[int, list[int]] = {}
    for i, (_organisation_id, places) in enumerate(sorted(by_company.items())):
        team_id = first + i
        covered.extend({"patrolteam_id": team_id, "compound_id": p.pk} for p in places)
        for _ in range(4):
            members.append(
                {
                    "team_id": team_id,
                    "name": _person_name(rng),
                    "phone": _mobile(rng) if rng.random() < 0.6 else "",
                    "category": MemberCategory.GUARD,
                    "joined_on": since - datetime.timedelta(days=rng.randint(10, 300)),
                    "created_at": plan.now,
                    "updated_at": plan.now,
                }
            )
        slots.extend(
            {
                "team_id": team_id,
                "weekday": day,
                "starts": NIGHT[0],
                "ends": NIGHT[1],
                # planned when the patrols began: the windows of the whole period are due
                "created_at": planned,
                "updated_at": planned,
            }
            for day in range(7)
        )
    _with_ids(run, PatrolTeam.compounds.through, covered)
    first_member = _with_ids(run, TeamMember, members)
    for i, row in enumerate(members):
        team_members.setdefault(row["team_id"], []).append(first_member + i)
    _with_ids(run, PatrolPlanSlot, slots)
    for i, (_organisation_id, places) in enumerate(sorted(by_company.items())):
        _logs(run, first + i, places, team_members[first + i], since)
    _flush_logs(run)


def _logs(run: Run, team_id: int, places: list, member_ids: list[int], since) -> None:
    rng, plan = run.rng, run.plan
    pending = run.pending_logs
    for offset in range(PATROL_DAYS):
        day = since + datetime.timedelta(days=offset)
        if day >= plan.today or rng.random() < 1 / 7:  # tonight not yet; one night in 7 missed
            continue
        started = run.at(day, 20, rng.randint(0, 20))
        pending.append(
            (
                {
                    "team_id": team_id,
                    "started_at": started,
                    "ended_at": started + datetime.timedelta(minutes=rng.randint(80, 130)),
                    "route": "沿小区主干道及各单元巡查一圈。",
                    "created_at": started,
                    "updated_at": started,
                },
                rng.sample(places, min(3, len(places))),
                rng.sample(member_ids, 2),
            )
        )
    if len(pending) >= 20_000:
        _flush_logs(run)


def _flush_logs(run: Run) -> None:
    pending = run.pending_logs
    if not pending:
        return
    first = _with_ids(run, PatrolLog, [log for log, _places, _members in pending])
    went, present = [], []
    for i, (_log, places, members) in enumerate(pending):
        went.extend({"patrollog_id": first + i, "compound_id": p.pk} for p in places)
        present.extend({"patrollog_id": first + i, "teammember_id": m} for m in members)
    _with_ids(run, PatrolLog.compounds.through, went)
    _with_ids(run, PatrolLog.members.through, present)
    findings = [
        {
            "log_id": first + i,
            "compound_id": run.rng.choice(places).pk,
            "description": run.rng.choice(FINDINGS),
            "created_at": log["ended_at"],
            "updated_at": log["ended_at"],
        }
        for i, (log, places, _members) in enumerate(pending)
        if run.rng.random() < FINDING_SHARE
    ]
    if findings:
        _with_ids(run, PatrolFinding, findings)
    pending.clear()


def watch_groups_seed(run: Run, homes: list[tuple]) -> None:
    """Group a batch's occupied households (``homes``: place, [(household id, row)])."""
    rng, today = run.rng, run.plan.today
    groups, planned = [], []
    for place, rows in homes:
        if rng.random() > GROUPED_SHARE:
            continue
        occupied = [(pk, row) for pk, row in rows if row["occupancy"] != Occupancy.VACANT]
        formed = today - datetime.timedelta(days=rng.randint(30, 365))
        for number, start in enumerate(range(0, len(occupied), GROUP_SIZE), start=1):
            members = occupied[start : start + GROUP_SIZE]
            leader_pk, leader = members[0]
            groups.append(
                {
                    "compound_id": place.pk,
                    "number": str(number),
                    "leader_id": leader_pk,
                    "leader_name": leader["head_name"],
                    "leader_phone": leader["head_phone"],
                    "formed_on": formed,
                    "created_at": run.plan.now,
                    "updated_at": run.plan.now,
                }
            )
            planned.append((formed, [pk for pk, _row in members]))
    first = _with_ids(run, WatchGroup, groups)
    memberships = [
        {"group_id": first + i, "household_id": pk, "joined_on": formed}
        for i, (formed, households) in enumerate(planned)
        for pk in households
    ]
    _with_ids(run, WatchGroupMembership, memberships)


def facilities_seed(run: Run) -> None:
    """Gates and facilities of every new compound."""
    rng, plan = run.rng, run.plan
    entrances, facilities = [], []
    for place in run.places:
        for gate in GATES[: rng.randint(1, 2)]:
            entrances.append(
                {
                    "compound_id": place.pk,
                    "name": gate,
                    "kind": EntranceKind.BOTH,
                    "created_at": plan.now,
                    "updated_at": plan.now,
                }
            )
    first = _with_ids(run, Entrance, entrances)
    for i, gate in enumerate(entrances):
        for kind in (FacilityKind.CAMERA, FacilityKind.ACCESS_CONTROL, FacilityKind.BARRIER):
            facilities.append(_facility(run, gate["compound_id"], kind, entrance_id=first + i))
    for place in run.places:
        facilities.append(_facility(run, place.pk, FacilityKind.ALARM, building="1号楼"))
        facilities.append(_facility(run, place.pk, FacilityKind.PERIMETER))
        facilities.append(_facility(run, place.pk, FacilityKind.LIGHTING))
        facilities.append(_facility(run, place.pk, FacilityKind.FIRE_EQUIPMENT, building="1号楼"))
    _with_ids(run, Facility, facilities)


def _facility(run: Run, compound_id: int, kind: str, *, entrance_id=None, building="") -> dict:
    rng, today = run.rng, run.plan.today
    if entrance_id:
        location = FacilityLocation.ENTRANCE
    elif building:
        location = FacilityLocation.BUILDING
    else:
        location = FacilityLocation.PERIMETER
    row = {
        "compound_id": compound_id,
        "kind": kind,
        "location": location,
        "entrance_id": entrance_id,
        "building": building,
        "quantity": rng.randint(1, 6) if kind == FacilityKind.CAMERA else 1,
        "checked_on": today - datetime.timedelta(days=rng.randint(0, 90)),
        "created_at": run.plan.now,
        "updated_at": run.plan.now,
    }
    if rng.random() < 0.03:
        row["in_service"] = False
        row["out_of_service_since"] = today - datetime.timedelta(days=rng.randint(1, 5))
    return row
