"""The export of campaign activities on the shared export path (``communities.exports``): a
sheet of activities and a sheet of their figures (``activity_figures`` of exactly those rows).

The rows come from ``visible_to(user)``: the workbench list's filter (its query string, read by
the list's own form, so a value the list does not offer is ignored) or the admin's change list.
Free texts (title, organiser, note) may hold a phone or ID number someone typed: masked for a
reader who may not see personal data in full. Cells that could run as formulas are neutralised
by the shared writer. Places are joined and photos counted in the same query.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, QuerySet
from django.utils.translation import pgettext_lazy

from communities.exports import DATE, NUMBER, TEXT, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import describe_scope, list_filter_form
from communities.exports.filters import describe_form
from communities.exports.writer import FILTER_LABEL, NO_FILTER, SCOPE_LABEL
from communities.models import Activity, ActivityKind
from communities.privacy import mask_numbers_in_text
from communities.vocabulary import choice_label, file_word

from .selectors import activities_for_list, activity_figures

EXPORTER_KEY = "communities.activities"
YES, NO = "是", "否"

HEADERS = [
    ("日期", 12, DATE),
    (file_word(pgettext_lazy("export header", "activity kind")), 14, TEXT),
    (file_word(pgettext_lazy("export header", "legal education")), 8, TEXT),
    ("活动名称", 30, TEXT),
    ("街道", 14, TEXT),
    ("社区", 14, TEXT),
    ("小区编码", 10, TEXT),
    ("小区", 16, TEXT),
    ("参加人数", 10, NUMBER),
    ("组织单位", 20, TEXT),
    ("登记单位", 20, TEXT),
    (file_word(pgettext_lazy("export header", "number of photos")), 8, NUMBER),
    ("备注", 40, TEXT),
]
COLUMNS = [Column(header, width, kind) for header, width, kind in HEADERS]
SHEET = "活动"
FIGURES_SHEET = "统计"
FIGURE_COLUMNS = [
    Column(file_word(pgettext_lazy("export header", "item")), 24),
    Column("", 8),
    Column("数值", 30, NUMBER),
]
FIGURE_ROWS = [
    ("total", "活动次数"),
    ("legal_education", "其中法制教育（普法、法律进社区、法律进住户）"),
    ("participants", "参加人次"),
]
CHUNK = 2000


def activity_rows(activities: QuerySet, *, shown: bool) -> Iterator[list]:
    def text(value: str) -> str:
        return value if shown else mask_numbers_in_text(value)

    rows = activities.select_related(
        "compound__community__street", "community__street", "organisation"
    )
    if "photo_count" not in rows.query.annotations:
        rows = rows.annotate(photo_count=Count("photos"))
    for activity in rows.iterator(chunk_size=CHUNK):
        compound = activity.compound
        community = compound.community if compound else activity.community
        yield [
            activity.date,
            choice_label(ActivityKind, activity.kind),
            YES if activity.is_legal_education else NO,
            text(activity.title),
            community.street.name,
            community.name,
            compound.code if compound else "",
            compound.name if compound else "（全社区）",
            activity.participants,
            text(activity.organiser),
            activity.organisation.name if activity.organisation else "",
            activity.photo_count,
            text(activity.note),
        ]


class ActivitiesExporter(AdminExporter):
    """The workbench list's activities (``{"query": …}``) or the admin's (``{"admin": …}`` /
    ``{"pks": […]}``)."""

    key = EXPORTER_KEY
    title = "创建活动"
    permission = "communities.export_activity"
    personal_data = True  # free texts may hold a phone typed in
    filename = "activities"
    download_name = "创建活动"
    model = Activity

    def _form(self, ctx: ExportContext):
        from .views import filter_form

        return list_filter_form(ctx, lambda query: filter_form(ctx.user, query))

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            return activities_for_list(user=ctx.user, filters=self._form(ctx).filters())
        return super().queryset(ctx).order_by("-date", "-pk")

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        activities = self.queryset(ctx)
        figures = activity_figures(activities)
        about = [
            [SCOPE_LABEL, "", describe_scope(ctx.user)],
            [FILTER_LABEL, "", self.describe_filter(ctx) or NO_FILTER],
        ]
        figure_rows = about + [[label, "", getattr(figures, key)] for key, label in FIGURE_ROWS]
        shown = self.shows_personal_data(ctx)
        return [
            Sheet(SHEET, COLUMNS, activity_rows(activities, shown=shown), counted=True),
            Sheet(FIGURES_SHEET, FIGURE_COLUMNS, figure_rows),
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx), shown={"month": lambda day: f"{day:%Y-%m}"})


def register_exporter() -> None:
    from communities.exports import register

    register(ActivitiesExporter())
