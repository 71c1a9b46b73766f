"""Writes of patrols: a log entered at once (``patrol_log``) or in two steps (``patrol_start``
now, ``patrol_end`` later), and what a patrol found (``finding_add``), which may raise a hazard
through ``inspections``' own service in the same step.

Each is one transaction by someone who runs the team (``services_teams.require_runs``). A log's
times are checked here and again by ``PatrolLog.clean()`` (``patrol_bounds``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communities.models import Compound
from communities.workflow import WorkflowError
from inspections.models import HazardCategory, HazardSource, Severity
from inspections.services.hazards import hazard_raise
from patrols import team_errors as e
from patrols.models import PatrolFinding, PatrolLog, PatrolTeam, TeamMember
from patrols.patrol_bounds import log_times_problem
from patrols.services_teams import require_runs


def _lock_team(team: PatrolTeam) -> PatrolTeam:
    return PatrolTeam.objects.select_for_update().get(pk=team.pk)


def _check_times(started_at, ended_at) -> None:
    problem = log_times_problem(started_at, ended_at)
    if problem:
        raise WorkflowError(problem)


def _check_compounds(team: PatrolTeam, compounds: Iterable[Compound]) -> list[Compound]:
    compounds = list(compounds)
    if not compounds:
        raise WorkflowError(e.MSG_NO_COMPOUND)
    covered = set(team.compounds.values_list("pk", flat=True))
    for compound in compounds:
        if compound.pk not in covered:
            raise WorkflowError(e.MSG_LOG_COMPOUND % {"compound": compound.name})
    return compounds


def _check_members(team: PatrolTeam, members: Iterable[TeamMember], day) -> list[TeamMember]:
    """Members of the team on the day of the patrol (joined by then, not yet left), as they
    are stored now."""
    members = list(TeamMember.objects.filter(pk__in=[m.pk for m in members]).order_by("pk"))
    for member in members:
        gone = member.left_on is not None and member.left_on < day
        if member.team_id != team.pk or member.joined_on > day or gone:
            raise WorkflowError(e.MSG_LOG_MEMBER % {"member": member.name})
    return members


def _new_log(*, team, actor, started_at, ended_at, compounds, members, area, route) -> PatrolLog:
    if not team.active:
        raise WorkflowError(e.MSG_TEAM_INACTIVE)
    _check_times(started_at, ended_at)
    compounds = _check_compounds(team, compounds)
    members = _check_members(team, members, timezone.localtime(started_at).date())
    if team.logs.open().exists():
        raise WorkflowError(e.MSG_ALREADY_OPEN)
    log = PatrolLog(
        team=team,
        started_at=started_at,
        ended_at=ended_at,
        area=area,
        route=route,
        created_by=actor,
    )
    log.full_clean()
    log.save()
    log.compounds.set(compounds)
    log.members.set(members)
    return log


@transaction.atomic
def patrol_log(
    *,
    team: PatrolTeam,
    actor,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    compounds: Iterable[Compound],
    members: Iterable[TeamMember] = (),
    area: str = "",
    route: str = "",
) -> PatrolLog:
    """A patrol that has taken place, entered at once (start and end)."""
    team = _lock_team(team)
    require_runs(actor, "patrols.add_patrollog", team)
    if ended_at is None:
        raise WorkflowError(e.MSG_ENDS_BEFORE_START)
    return _new_log(
        team=team,
        actor=actor,
        started_at=started_at,
        ended_at=ended_at,
        compounds=compounds,
        members=members,
        area=area,
        route=route,
    )


@transaction.atomic
def patrol_start(
    *,
    team: PatrolTeam,
    actor,
    compounds: Iterable[Compound],
    members: Iterable[TeamMember] = (),
    started_at: datetime.datetime | None = None,
    area: str = "",
) -> PatrolLog:
    """Start a patrol now (an open log); a team has one patrol under way at a time."""
    team = _lock_team(team)
    require_runs(actor, "patrols.add_patrollog", team)
    return _new_log(
        team=team,
        actor=actor,
        started_at=started_at or timezone.now(),
        ended_at=None,
        compounds=compounds,
        members=members,
        area=area,
        route="",
    )


@transaction.atomic
def patrol_end(
    *,
    log: PatrolLog,
    actor,
    ended_at: datetime.datetime | None = None,
    route: str | None = None,
) -> PatrolLog:
    """End an open patrol (now, or at the time given): after its start, not in the future, at
    most ``PATROL_MAX_HOURS`` after it started."""
    log = PatrolLog.objects.select_for_update().select_related("team").get(pk=log.pk)
    require_runs(actor, "patrols.change_patrollog", log.team)
    if log.ended_at is not None:
        raise WorkflowError(e.MSG_ALREADY_ENDED)
    ended_at = ended_at or timezone.now()
    _check_times(log.started_at, ended_at)
    log.ended_at = ended_at
    if route is not None:
        log.route = route
    log.full_clean()
    log.save()
    return log


def default_responsible_party(compound: Compound, team: PatrolTeam) -> str:
    """The company running the compound today, else the organisation running the team."""
    row = Compound.objects.with_current_company().filter(pk=compound.pk).first()
    name = getattr(row, "current_company_name", None)
    return name or team.organisation.name


def hazard_deadline_default() -> datetime.date:
    days = getattr(settings, "PATROL_HAZARD_DEADLINE_DAYS", 7)
    return timezone.localdate() + datetime.timedelta(days=days)


@transaction.atomic
def finding_add(
    *,
    log: PatrolLog,
    actor,
    compound: Compound,
    description: str,
    raise_hazard: bool = False,
    category: str = HazardCategory.PUBLIC_ORDER,
    severity: str = Severity.MEDIUM,
    deadline: datetime.date | None = None,
    responsible_party: str = "",
    photo=None,
) -> PatrolFinding:
    """Record what the patrol found in one of its compounds; with ``raise_hazard``, raise a
    hazard (source "patrol", linking back to the log) through ``inspections``' service in the
    same transaction, so its rectification and verification follow."""
    log = PatrolLog.objects.select_related("team__organisation").get(pk=log.pk)
    require_runs(actor, "patrols.add_patrolfinding", log.team)
    description = (description or "").strip()
    if not description:
        raise WorkflowError(e.MSG_FINDING_TEXT)
    if not log.compounds.filter(pk=compound.pk).exists():
        raise WorkflowError(e.MSG_FINDING_COMPOUND)
    finding = PatrolFinding(log=log, compound=compound, description=description)
    finding.full_clean(exclude=["hazard"])
    if raise_hazard:
        finding.hazard = hazard_raise(
            compound=compound,
            actor=actor,
            category=category,
            severity=severity,
            description=description,
            responsible_party=responsible_party or default_responsible_party(compound, log.team),
            deadline=deadline or hazard_deadline_default(),
            source=HazardSource.PATROL,
            source_url=reverse("patrols:patrol_detail", args=[log.pk]),
            photo=photo,
        )
    finding.save()
    return finding
