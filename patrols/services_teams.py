"""Writes of patrol teams: the team, its members and its weekly plan (one service per change,
keyword-only, one transaction; django-auditlog records each row).

Who may act: a user holding the permission whose scope holds the organisation running the team
(that organisation itself, or one above it: a street office over its communities, the bureau
over the district) — ``team_runs_q``. Everyone else who sees the team only reads it.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.models import Compound, Organisation, OrganisationKind
from communities.scoping import scope_for
from communities.workflow import WorkflowError
from patrols import team_errors as e
from patrols.models import PatrolPlanSlot, PatrolTeam, TeamMember
from patrols.models.patrols import Weekday

K = OrganisationKind
TEAM_KINDS_OF_ORGANISATIONS = (K.PROPERTY_COMPANY, K.COMMUNITY_COMMITTEE, K.STREET_OFFICE)


# Who may act ------------------------------------------------------------------------------------


def organisations_run_by(user) -> QuerySet[Organisation]:
    """The organisations whose teams the user may run: theirs and those below them in their
    area (never a bureau: it runs no team)."""
    scope = scope_for(user)
    orgs = Organisation.objects.filter(kind__in=TEAM_KINDS_OF_ORGANISATIONS)
    if scope.everything:
        return orgs
    if scope.is_empty:
        return orgs.none()
    return orgs.filter(_org_q(scope))


def _org_q(scope) -> Q:
    # ``organisation_scope_q`` reaches an organisation through a lookup; here it is the row.
    d, s, c = scope.district_ids, scope.street_ids, scope.community_ids
    return (
        Q(district_id__in=d)
        | Q(street__district_id__in=d)
        | Q(community__street__district_id__in=d)
        | Q(property_company__district_id__in=d)
        | Q(street_id__in=s)
        | Q(community__street_id__in=s)
        | Q(community_id__in=c)
        | Q(property_company_id__in=scope.company_ids)
    )


def teams_run_by(user) -> QuerySet[PatrolTeam]:
    """The teams the user's organisations run (or run below them): theirs to change."""
    scope = scope_for(user)
    if scope.everything:
        return PatrolTeam.objects.all()
    if scope.is_empty:
        return PatrolTeam.objects.none()
    return PatrolTeam.objects.filter(PatrolTeam.objects.run_by_scope_filter(scope))


def runs_team(user, team: PatrolTeam) -> bool:
    return user is not None and teams_run_by(user).filter(pk=team.pk).exists()


def require_runs(actor, perm: str, team: PatrolTeam) -> None:
    """The actor holds ``perm`` and runs the team (``actor=None`` is the system)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise WorkflowError(e.MSG_NOT_ALLOWED)
    if not runs_team(actor, team):
        raise WorkflowError(e.MSG_NOT_OURS)


def compounds_of_organisation(organisation: Organisation) -> QuerySet[Compound]:
    """The compounds in an organisation's area: a company's those it runs today, a
    community's, a street's (a bureau's district, for completeness)."""
    if organisation.kind == K.PROPERTY_COMPANY:
        return Compound.objects.managed_by([organisation.property_company_id])
    if organisation.kind == K.COMMUNITY_COMMITTEE:
        return Compound.objects.filter(community_id=organisation.community_id)
    if organisation.kind == K.STREET_OFFICE:
        return Compound.objects.filter(community__street_id=organisation.street_id)
    return Compound.objects.filter(community__street__district_id=organisation.district_id)


def _check_compounds(organisation: Organisation, compounds: Iterable[Compound]) -> list[Compound]:
    compounds = list(compounds)
    if not compounds:
        raise WorkflowError(e.MSG_NO_COMPOUND)
    inside = set(
        compounds_of_organisation(organisation)
        .filter(pk__in=[c.pk for c in compounds])
        .values_list("pk", flat=True)
    )
    for compound in compounds:
        if compound.pk not in inside:
            raise WorkflowError(
                e.MSG_COMPOUND_OUTSIDE % {"compound": compound.name, "organisation": organisation}
            )
    return compounds


# Teams ------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    actor,
    organisation: Organisation,
    kind: str,
    name: str,
    compounds: Iterable[Compound],
    leader_name: str = "",
    leader_phone: str = "",
) -> PatrolTeam:
    """A new team run by ``organisation`` covering compounds of its area."""
    if actor is not None:
        if not actor.has_perm("patrols.add_patrolteam"):
            raise WorkflowError(e.MSG_NOT_ALLOWED)
        if not organisations_run_by(actor).filter(pk=organisation.pk).exists():
            raise WorkflowError(e.MSG_ORGANISATION)
    if organisation.kind not in TEAM_KINDS_OF_ORGANISATIONS:
        raise WorkflowError(e.MSG_ORGANISATION_KIND)
    compounds = _check_compounds(organisation, compounds)
    team = PatrolTeam(
        organisation=organisation,
        kind=kind,
        name=name,
        leader_name=leader_name,
        leader_phone=leader_phone,
    )
    team.full_clean()
    team.save()
    team.compounds.set(compounds)
    return team


@transaction.atomic
def team_update(
    *,
    team: PatrolTeam,
    actor,
    kind: str,
    name: str,
    compounds: Iterable[Compound],
    leader_name: str = "",
    leader_phone: str = "",
    active: bool = True,
) -> PatrolTeam:
    """Change a team's kind, name, leader, compounds or whether it is active (its organisation
    stays: a new organisation forms a new team)."""
    team = PatrolTeam.objects.select_for_update().get(pk=team.pk)
    require_runs(actor, "patrols.change_patrolteam", team)
    compounds = _check_compounds(team.organisation, compounds)
    team.kind, team.name, team.active = kind, name, active
    team.leader_name, team.leader_phone = leader_name, leader_phone
    team.full_clean()
    team.save()
    team.compounds.set(compounds)
    return team


# Members ----------------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    team: PatrolTeam,
    actor,
    name: str,
    category: str,
    phone: str = "",
    joined_on: datetime.date | None = None,
) -> TeamMember:
    require_runs(actor, "patrols.add_teammember", team)
    if not team.active:
        raise WorkflowError(e.MSG_TEAM_INACTIVE)
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        raise WorkflowError(e.MSG_NOT_IN_FUTURE)
    member = TeamMember(team=team, name=name, phone=phone, category=category, joined_on=joined_on)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_leave(*, member: TeamMember, actor, left_on: datetime.date | None = None) -> TeamMember:
    """The member leaves the team; they stay on the logs they patrolled."""
    member = TeamMember.objects.select_for_update().select_related("team").get(pk=member.pk)
    require_runs(actor, "patrols.change_teammember", member.team)
    if member.left_on is not None:
        raise WorkflowError(e.MSG_MEMBER_LEFT)
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise WorkflowError(e.MSG_NOT_IN_FUTURE)
    if left_on < member.joined_on:
        raise WorkflowError(e.MSG_LEFT_BEFORE_JOINED)
    member.left_on = left_on
    member.save()
    return member


# The weekly plan --------------------------------------------------------------------------------


Window = tuple[int, datetime.time, datetime.time]


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def window_span(starts: datetime.time, ends: datetime.time) -> tuple[int, int]:
    """A window in minutes from its day's midnight; one that ends at or before the time it
    starts runs past midnight (a night patrol 22:00–02:00 ends the next morning)."""
    start, end = _minutes(starts), _minutes(ends)
    return start, end if end > start else end + 24 * 60


def plan_windows_check(windows: Sequence[Window]) -> list[Window]:
    """Each window has a length (its end differs from its start; an end earlier than the start
    is the next morning's), and windows of one day do not overlap (forms call this too).
    Returns them in order."""
    ordered = sorted(windows)
    for _weekday, starts, ends in ordered:
        if ends == starts:
            raise WorkflowError(e.MSG_WINDOW_ORDER)
    for (day1, s1, end1), (day2, start2, e2) in itertools.pairwise(ordered):
        if day1 == day2 and window_span(start2, e2)[0] < window_span(s1, end1)[1]:
            raise WorkflowError(e.MSG_WINDOW_OVERLAP % {"day": Weekday(day1).label})
    return ordered


@transaction.atomic
def plan_slot_set(*, team: PatrolTeam, actor, windows: Sequence[Window]) -> list[PatrolPlanSlot]:
    """Replace the team's weekly plan with these windows (weekday 0 = Monday, from, to).
    Windows kept unchanged keep their rows, so the patrols they made due stay due."""
    team = PatrolTeam.objects.select_for_update().get(pk=team.pk)
    require_runs(actor, "patrols.change_patrolplanslot", team)
    wanted = plan_windows_check(windows)
    existing = {(s.weekday, s.starts, s.ends): s for s in team.plan_slots.all()}
    keep = [existing[w] for w in wanted if w in existing]
    team.plan_slots.exclude(pk__in=[s.pk for s in keep]).delete()
    created = []
    for weekday, starts, ends in wanted:
        if (weekday, starts, ends) in existing:
            continue
        slot = PatrolPlanSlot(team=team, weekday=weekday, starts=starts, ends=ends)
        slot.full_clean()
        slot.save()
        created.append(slot)
    return sorted(keep + created, key=lambda s: (s.weekday, s.starts))
