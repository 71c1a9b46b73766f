"""The export of watch groups (.xlsx): one row per household of each group, and a sheet of
coverage per compound, on the shared export path (``communities.exports``).

The rows come from the watch-group list's compounds (its query string, read with the list's own
filters, so a value the list does not offer is ignored) or from the admin's change list. The
leader's name and phone are masked unless the user may see personal data.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import pgettext_lazy

from communities.exports import DATE, NUMBER, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.list_filters import compound_list_filters
from communities.models import Compound
from communities.privacy import can_see_personal_data, personal_value
from communities.vocabulary import choice_label, file_word

from .coverage import watch_group_coverage_by
from .models import GroupKind, WatchGroup, WatchGroupMembership
from .watch_groups import household_order

EXPORTER_KEY = "patrols.watchgroups"
YES, NO = "是", "否"

# The file's columns (the import reads the same headers).
COMPOUND_CODE = "小区编码"
COMPOUND_NAME = file_word(pgettext_lazy("export header", "compound name"))
NUMBER_ = "组号"
KIND = "类型"
BUILDING, UNIT, ROOM = "楼栋", "单元", "房号"
IS_LEADER = "联户长户"
LEADER_NAME = file_word(pgettext_lazy("export header", "leader's name"))
LEADER_PHONE = "联户长电话"
FORMED_ON = "成立日期"
STATUS = "状态"
ACTIVE, DISSOLVED = "在册", "已解散"

GROUP_COLUMNS = [
    Column(COMPOUND_CODE, 10),
    Column(COMPOUND_NAME, 16),
    Column(NUMBER_, 8),
    Column(KIND, 14),
    Column(BUILDING, 8),
    Column(UNIT, 8),
    Column(ROOM, 8),
    Column(IS_LEADER, 8),
    Column(LEADER_NAME, 10),
    Column(LEADER_PHONE, 14),
    Column(FORMED_ON, 12, DATE),
    Column(STATUS, 8),
]
COVERAGE_COLUMNS = [
    Column(COMPOUND_CODE, 10),
    Column(COMPOUND_NAME, 16),
    Column(file_word(pgettext_lazy("export header", "occupied households")), 10, NUMBER),
    Column(file_word(pgettext_lazy("export header", "households in a group")), 10, NUMBER),
    Column(file_word(pgettext_lazy("export header", "coverage (%)")), 10, NUMBER),
]


def group_rows(groups: QuerySet, *, personal: bool) -> Iterator[list]:
    members = WatchGroupMembership.objects.current().select_related("household")
    groups = groups.select_related("compound").prefetch_related(
        Prefetch("memberships", queryset=members, to_attr="current")
    )
    for group in groups.order_by("compound__code", "number").iterator(chunk_size=500):
        leader = [personal_value(group, f, shown=personal) for f in ("leader_name", "leader_phone")]
        for m in sorted(group.current, key=lambda m: household_order(m.household)):
            h = m.household
            yield [
                group.compound.code,
                group.compound.name,
                group.number,
                choice_label(GroupKind, group.kind),
                h.building,
                h.unit,
                h.room,
                YES if h.pk == group.leader_id else NO,
                *leader,
                group.formed_on,
                ACTIVE if group.is_active else DISSOLVED,
            ]


def coverage_rows(compounds: QuerySet) -> Iterator[list]:
    figures = watch_group_coverage_by(compounds)
    for compound in compounds.order_by("code").only("pk", "code", "name"):
        c = figures.get(compound.pk)
        rate = round(100 * c.rate, 1) if c and c.rate is not None else None
        yield [compound.code, compound.name, c.occupied if c else 0, c.covered if c else 0, rate]


class WatchGroupsExporter(AdminExporter):
    """The watch-group list's compounds (``{"query": …}``) or the admin's groups."""

    key = EXPORTER_KEY
    title = "十户联防组"
    permission = "patrols.export_watchgroup"
    personal_data = True  # the leaders
    filename = "watch-groups"
    download_name = "十户联防组"
    model = WatchGroup

    def shows_personal_data(self, ctx: ExportContext) -> bool:
        return can_see_personal_data(ctx.user)

    def _compounds(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            return compound_list_filters(ctx.user, QueryDict(ctx.params["query"])).compounds(
                ctx.user
            )
        return Compound.objects.filter(pk__in=super().queryset(ctx).values("compound_id"))

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            compounds = self._compounds(ctx)
            return WatchGroup.objects.visible_to(ctx.user).filter(
                compound__in=compounds.values("pk")
            )
        return super().queryset(ctx)

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        filters = compound_list_filters(ctx.user, QueryDict(ctx.params["query"]))
        parts = []
        if filters.search:
            parts.append(f"搜索：{filters.search}")
        for chosen, rows in (
            (filters.street_id, filters.streets),
            (filters.community_id, filters.communities),
        ):
            parts += [row.name for row in rows if row.pk == chosen]
        return "；".join(parts)

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        personal = self.shows_personal_data(ctx)
        compounds = Compound.objects.filter(pk__in=self._compounds(ctx).values("pk"))
        return [
            Sheet(
                "十户联防组",
                GROUP_COLUMNS,
                group_rows(self.queryset(ctx), personal=personal),
                counted=True,
            ),
            Sheet("覆盖率", COVERAGE_COLUMNS, coverage_rows(compounds)),
        ]
