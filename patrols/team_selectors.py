"""Reads of patrol teams and logs for the workbench: every function starts from
``visible_to(user)``; the lists and their exports share ``teams_for_list`` / ``logs_for_list``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from communities.counting import per_row
from communities.models import Compound, Street
from communities.selectors import communities_for_filter
from communities.validators import ascii_int
from patrols.models import PatrolFinding, PatrolLog, PatrolTeam, TeamMember


@dataclass(frozen=True)
class PatrolFilters:
    """What a team or log list is narrowed by (each value checked against the choices)."""

    street_id: int | None = None
    community_id: int | None = None
    compound_id: int | None = None
    kind: str = ""
    team_id: int | None = None
    month: datetime.date | None = None  # logs only: the first day of the month
    open_only: bool = False

    @property
    def active_count(self) -> int:
        values = (
            self.street_id,
            self.community_id,
            self.compound_id,
            self.kind,
            self.team_id,
            self.month,
            self.open_only,
        )
        return sum(bool(v) for v in values)

    @property
    def is_filtered(self) -> bool:
        return self.active_count > 0


def _place_q(filters: PatrolFilters, path: str) -> Q:
    q = Q()
    if filters.street_id:
        q &= Q(**{f"{path}__community__street_id": filters.street_id})
    if filters.community_id:
        q &= Q(**{f"{path}__community_id": filters.community_id})
    if filters.compound_id:
        q &= Q(**{f"{path}__pk": filters.compound_id})
    return q


def teams_for_list(*, user, filters: PatrolFilters | None = None) -> QuerySet[PatrolTeam]:
    filters = filters or PatrolFilters()
    teams = PatrolTeam.objects.visible_to(user)
    place = _place_q(filters, "compounds")
    if place:
        covered = PatrolTeam.compounds.through.objects.filter(_place_q(filters, "compound")).values(
            "patrolteam_id"
        )
        teams = teams.filter(pk__in=covered)
    if filters.kind:
        teams = teams.filter(kind=filters.kind)
    return teams.order_by("-active", "name", "pk")


def _compounds(user) -> QuerySet[Compound]:
    """The compounds a page may name: the reader's visible ones (a street's team also covers
    the other company's compounds, whose names are not this reader's business)."""
    return Compound.objects.visible_to(user).order_by("name")


#: Past this many teams, a filter offers those of the chosen place only (a province's bureau
#: sees some 2,000 teams: never one select).
TEAM_CHOICES_MAX = 60


class TeamChoices(list):
    """The teams offered, and whether more wait for a place to be chosen."""

    need_place = False


def teams_to_offer(teams: QuerySet[PatrolTeam], chosen_id: int | None = None) -> TeamChoices:
    """``teams`` by name for a select while they are at most ``TEAM_CHOICES_MAX``, else only the
    one already chosen (a link that names it keeps working). Two queries at most."""
    teams = teams.order_by("name", "pk").only("pk", "name")
    offered = TeamChoices(teams[: TEAM_CHOICES_MAX + 1])
    if len(offered) <= TEAM_CHOICES_MAX:
        return offered
    chosen = TeamChoices(teams.filter(pk=chosen_id) if chosen_id else ())
    chosen.need_place = True
    return chosen


def teams_for_page(*, user, filters: PatrolFilters | None = None) -> QuerySet[PatrolTeam]:
    """The list's rows with what a card shows, in a fixed number of queries."""
    compounds = _compounds(user).only("pk", "name", "code")
    return (
        teams_for_list(user=user, filters=filters)
        .select_related("organisation")
        .annotate(
            member_count=per_row(TeamMember.objects.filter(left_on__isnull=True), "team"),
            open_count=per_row(PatrolLog.objects.filter(ended_at__isnull=True), "team"),
        )
        .prefetch_related(Prefetch("compounds", queryset=compounds))
    )


def team_for_detail(*, user, pk) -> QuerySet[PatrolTeam]:
    members = TeamMember.objects.order_by("left_on", "name", "pk")
    return (
        PatrolTeam.objects.visible_to(user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("members", queryset=members),
            Prefetch("compounds", queryset=_compounds(user)),
            "plan_slots",
        )
    )


def logs_for_list(*, user, filters: PatrolFilters | None = None) -> QuerySet[PatrolLog]:
    filters = filters or PatrolFilters()
    logs = PatrolLog.objects.visible_to(user)
    if _place_q(filters, "compound"):
        where = PatrolLog.compounds.through.objects.filter(_place_q(filters, "compound"))
        logs = logs.filter(pk__in=where.values("patrollog_id"))
    if filters.kind:
        logs = logs.filter(team__kind=filters.kind)
    if filters.team_id:
        logs = logs.filter(team_id=filters.team_id)
    if filters.month:
        first = filters.month
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
        logs = logs.filter(started_at__gte=start, started_at__lt=end)
    if filters.open_only:
        logs = logs.filter(ended_at__isnull=True)
    return logs.order_by("-started_at", "-pk")


def logs_for_page(*, user, filters: PatrolFilters | None = None) -> QuerySet[PatrolLog]:
    """The list's rows, newest first (the ``patrol_log_started`` index), with the counts a card
    shows: the findings the user may see (and the hazards they raised), the members present."""
    seen = PatrolFinding.objects.visible_to(user)
    present = PatrolLog.members.through.objects.all()
    return (
        logs_for_list(user=user, filters=filters)
        .select_related("team")
        .annotate(
            finding_count=per_row(seen, "log"),
            hazard_count=per_row(seen.filter(hazard__isnull=False), "log"),
            member_count=per_row(present, "patrollog"),
        )
        .prefetch_related(Prefetch("compounds", queryset=_compounds(user).only("pk", "name")))
    )


def log_for_detail(*, user) -> QuerySet[PatrolLog]:
    findings = (
        PatrolFinding.objects.visible_to(user).select_related("compound", "hazard").order_by("pk")
    )
    return (
        PatrolLog.objects.visible_to(user)
        .select_related("team__organisation", "created_by")
        .prefetch_related(
            Prefetch("findings", queryset=findings),
            Prefetch("compounds", queryset=_compounds(user)),
            Prefetch("members", queryset=TeamMember.objects.order_by("name", "pk")),
        )
    )


def filter_places(user, query=None) -> tuple[QuerySet, list, QuerySet]:
    """The streets, communities and compounds a list may be filtered by (visible ones): the
    streets and the compounds as querysets, never read whole (``street_filter_field`` reads at
    most 61 streets; the compound filter is a typeahead); the communities street by street once
    they are many (``communities_for_filter``: those of the street in ``query``, else only the
    one it names)."""
    query = query or {}
    streets = Street.objects.visible_to(user)
    communities = communities_for_filter(
        user=user,
        street_id=ascii_int(query.get("street")),
        chosen_id=ascii_int(query.get("community")),
    )
    compounds = Compound.objects.visible_to(user).order_by("code").only("pk", "name", "code")
    return streets, communities, compounds


def team_open_log(team: PatrolTeam) -> PatrolLog | None:
    return team.logs.open().first()
