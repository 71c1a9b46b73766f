"""The exports of patrol teams (with their members) and patrol logs, on the shared export path
(``communities.exports``): the workbench list's filter (its query string, read by the list's
own form) or everything the user sees, from ``visible_to(user)``.

Leaders' and members' names and phones are written in full only for the teams whose people
the user sees in full (``patrols.team_privacy``), masked for the others. Queries do not grow
with the rows: relations are joined, members and compounds prefetched, per-team masking read
once for all teams.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from communities.exports import DATE, DATETIME, NUMBER, TEXT, Column, ExportContext, Exporter, Sheet
from communities.exports.base import describe_scope, list_filter_form
from communities.exports.writer import FILTER_LABEL, NO_FILTER, SCOPE_LABEL
from communities.models import Compound
from communities.privacy import mask_numbers_in_text, personal_value
from communities.unmasking import unmasking_allowed
from communities.vocabulary import choice_label, field_word, file_word
from patrols import team_selectors as s
from patrols.models import (
    MemberCategory,
    PatrolFinding,
    PatrolLog,
    PatrolTeam,
    TeamKind,
    TeamMember,
)
from patrols.models.patrols import Weekday
from patrols.patrol_figures import patrol_totals
from patrols.roles import MEMBER_DATA_PERMISSION
from patrols.services_teams import teams_run_by
from patrols.team_forms import PatrolFilterForm
from patrols.team_privacy import member_data_shown

TEAMS_EXPORTER_KEY = "patrols.teams"
LOGS_EXPORTER_KEY = "patrols.logs"
YES, NO = "是", "否"
SEP = "、"


def _shows_any(user) -> bool:
    if user.has_perm(MEMBER_DATA_PERMISSION) and unmasking_allowed(user):
        return True
    return teams_run_by(user).exists()


def _filters(ctx: ExportContext, with_month: bool):
    if "query" not in ctx.params:
        return s.PatrolFilters()

    def build(query):
        return PatrolFilterForm(
            query, places=s.filter_places(ctx.user, query), with_month=with_month
        )

    return list_filter_form(ctx, build).filters()


class _Base(Exporter):
    personal_data = True
    with_month = True

    def shows_personal_data(self, ctx: ExportContext) -> bool:
        return _shows_any(ctx.user)

    def about(self, ctx) -> list[list]:
        return [
            [SCOPE_LABEL, describe_scope(ctx.user)],
            [FILTER_LABEL, self.describe_filter(ctx) or NO_FILTER],
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return ""
        from communities.exports.filters import describe_form

        def build(query):
            return PatrolFilterForm(
                query, places=s.filter_places(ctx.user, query), with_month=self.with_month
            )

        return describe_form(list_filter_form(ctx, build))


# Teams ------------------------------------------------------------------------------------------

TEAM_COLUMNS = [
    Column(field_word(PatrolTeam, "name"), 18),
    Column(field_word(PatrolTeam, "organisation"), 18),
    Column(field_word(PatrolTeam, "kind"), 18),
    Column(field_word(PatrolTeam, "leader_name"), 10),
    Column(field_word(PatrolTeam, "leader_phone"), 14),
    Column(field_word(PatrolTeam, "active"), 6),
    Column(field_word(PatrolTeam, "compounds"), 30),
    Column(file_word(_("active members")), 8, NUMBER),
    Column(file_word(_("weekly plan")), 40),
]
MEMBER_COLUMNS = [
    Column(field_word(TeamMember, "team"), 18),
    Column(field_word(TeamMember, "name"), 10),
    Column(field_word(TeamMember, "phone"), 14),
    Column(field_word(TeamMember, "category"), 20),
    Column(field_word(TeamMember, "joined_on"), 12, DATE),
    Column(field_word(TeamMember, "left_on"), 12, DATE),
]


def _plan_text(team) -> str:
    return SEP.join(
        f"{choice_label(Weekday, slot.weekday)} {slot.starts:%H:%M}–{slot.ends:%H:%M}"
        for slot in team.plan_slots.all()
    )


class TeamsExporter(_Base):
    key = TEAMS_EXPORTER_KEY
    title = "巡逻队"
    permission = "patrols.export_patrolteam"
    filename = "patrol-teams"
    download_name = "巡逻队"
    with_month = False

    def queryset(self, ctx: ExportContext) -> QuerySet:
        return s.teams_for_list(user=ctx.user, filters=_filters(ctx, False))

    def _teams(self, ctx) -> list:
        if "teams" not in ctx.cache:
            members = TeamMember.objects.order_by("left_on", "name", "pk")
            ctx.cache["teams"] = list(
                self.queryset(ctx)
                .select_related("organisation")
                .prefetch_related(
                    Prefetch("members", queryset=members),
                    Prefetch(
                        "compounds", queryset=Compound.objects.visible_to(ctx.user).order_by("name")
                    ),
                    "plan_slots",
                )
            )
        return ctx.cache["teams"]

    def team_rows(self, ctx, shown) -> Iterator[list]:
        for team in self._teams(ctx):
            full = team.pk in shown
            yield [
                team.name,
                team.organisation.name,
                choice_label(TeamKind, team.kind),
                personal_value(team, "leader_name", shown=full),
                personal_value(team, "leader_phone", shown=full),
                YES if team.active else NO,
                SEP.join(c.name for c in team.compounds.all()),
                sum(1 for m in team.members.all() if m.left_on is None),
                _plan_text(team),
            ]

    def member_rows(self, ctx, shown) -> Iterator[list]:
        for team in self._teams(ctx):
            full = team.pk in shown
            for member in team.members.all():
                yield [
                    team.name,
                    personal_value(member, "name", shown=full),
                    personal_value(member, "phone", shown=full),
                    choice_label(MemberCategory, member.category),
                    member.joined_on,
                    member.left_on,
                ]

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        shown = member_data_shown(ctx.user, [t.pk for t in self._teams(ctx)])
        return [
            Sheet("巡逻队", TEAM_COLUMNS, self.team_rows(ctx, shown), counted=True),
            Sheet("队员", MEMBER_COLUMNS, self.member_rows(ctx, shown)),
            Sheet("说明", [Column("", 14), Column("", 60)], self.about(ctx)),
        ]


# Logs -------------------------------------------------------------------------------------------

LOG_COLUMNS = [
    Column(field_word(PatrolLog, "team"), 18),
    Column(field_word(PatrolTeam, "organisation"), 18),
    Column(field_word(PatrolLog, "started_at"), 17, DATETIME),
    Column(field_word(PatrolLog, "ended_at"), 17, DATETIME),
    Column(file_word(_("hours")), 8, NUMBER),
    Column(field_word(PatrolLog, "compounds"), 30),
    Column(field_word(PatrolLog, "members"), 30),
    Column(field_word(PatrolLog, "area"), 20),
    Column(field_word(PatrolLog, "route"), 40),
    Column(file_word(_("findings")), 40),
    Column(file_word(_("hazards raised")), 8, NUMBER),
]
FIGURE_LABELS = [
    ("logs", _("number of patrols")),
    ("hours", _("patrol hours")),
    ("members", _("members active")),
    ("findings", _("findings")),
    ("hazards", _("hazards raised")),
]
CHUNK = 1000


class PatrolLogsExporter(_Base):
    key = LOGS_EXPORTER_KEY
    title = "巡逻记录"
    permission = "patrols.export_patrollog"
    filename = "patrol-logs"
    download_name = "巡逻记录"

    def queryset(self, ctx: ExportContext) -> QuerySet:
        return s.logs_for_list(user=ctx.user, filters=_filters(ctx, True))

    def log_rows(self, ctx) -> Iterator[list]:
        logs = self.queryset(ctx)
        team_ids = set(logs.values_list("team_id", flat=True).distinct())
        shown = member_data_shown(ctx.user, team_ids)
        rows = (
            logs.select_related("team__organisation")
            .prefetch_related(
                Prefetch(
                    "compounds", queryset=Compound.objects.visible_to(ctx.user).order_by("name")
                ),
                Prefetch("members", queryset=TeamMember.objects.order_by("name", "pk")),
                Prefetch(
                    "findings", queryset=PatrolFinding.objects.visible_to(ctx.user).order_by("pk")
                ),
            )
            .iterator(chunk_size=CHUNK)
        )
        for log in rows:
            full = log.team_id in shown

            def text(value: str, full=full) -> str:
                # A phone or ID number typed into the free text, masked like the names.
                return value if full else mask_numbers_in_text(value)

            findings = list(log.findings.all())
            hours = round(log.duration.total_seconds() / 3600, 1) if log.ended_at else None
            yield [
                log.team.name,
                log.team.organisation.name,
                log.started_at,
                log.ended_at,
                hours,
                SEP.join(c.name for c in log.compounds.all()),
                SEP.join(personal_value(m, "name", shown=full) for m in log.members.all()),
                text(log.area),
                text(log.route),
                "；".join(text(f.description) for f in findings),
                sum(1 for f in findings if f.hazard_id),
            ]

    def figure_rows(self, ctx) -> list[list]:
        figures = patrol_totals(self.queryset(ctx), Compound.objects.visible_to(ctx.user))
        rows = self.about(ctx)
        rows += [[file_word(label), str(figures[key])] for key, label in FIGURE_LABELS]
        return rows

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        return [
            Sheet("巡逻记录", LOG_COLUMNS, self.log_rows(ctx), counted=True),
            Sheet("统计", [Column("", 16), Column("", 40, TEXT)], self.figure_rows(ctx)),
        ]
