"""What every summary shares: its months, its title rows, its filter in words, its permission.

A summary's params are ``{"first": "2026-10", "last": "2026-11"}`` (months, ``YYYY-MM``), so a
job that runs later writes the same months; without them (or unreadable) the summary is of
last month. A range is at most ``MAX_MONTHS`` long (a longer one is cut at its start's
``MAX_MONTHS``th month). Rows start from the user's scope (``compounds_visible_to``).
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from communities.exports import NUMBER, Column, ExportContext, Sheet
from communities.exports.base import describe_scope
from communities.models import Compound
from communities.months import month_bounds, month_moments, next_month, previous_month
from communities.scoping import compounds_visible_to
from communities.vocabulary import file_word

SUMMARY_PERMISSION = "reports.export_summary"
MAX_MONTHS = 12
MONTH_PARAM_FORMAT = "%Y-%m"
SEQUENCE = file_word(pgettext_lazy("export header", "row number"))
SEQUENCE_COLUMN = Column(SEQUENCE, 6, NUMBER, total=None)


def _month(text, default: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime(str(text), MONTH_PARAM_FORMAT).date()
    except ValueError:
        return default


def months_of(params: dict, today: datetime.date) -> list[datetime.date]:
    """The months asked for (first days, in order), last month by default."""
    default = previous_month(today)
    first = _month(params.get("first"), default)
    last = _month(params.get("last"), first)
    if last < first:
        first, last = last, first
    months = [first]
    while months[-1] < last and len(months) < MAX_MONTHS:
        months.append(next_month(months[-1]))
    return months


def month_words(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def period_words(months: list[datetime.date]) -> str:
    """«2026年11月», or «2026年10月至2026年12月»."""
    if len(months) == 1:
        return month_words(months[0])
    return f"{month_words(months[0])}至{month_words(months[-1])}"


def area_words(user) -> str:
    """The places of the user's organisations (a street office's street, a bureau's district),
    for the title: «和平街道»."""
    if user.is_superuser:
        return "全部"
    names = []
    memberships = user.memberships.select_related(
        "organisation__district", "organisation__street", "organisation__community"
    ).order_by("organisation__name")
    for membership in memberships:
        org = membership.organisation
        place = org.street or org.community or org.district
        name = place.name if place else org.name
        if name not in names:
            names.append(name)
    return "、".join(names)


def numbered(rows):
    """The rows with their 序号 in front."""
    for number, row in enumerate(rows, start=1):
        yield [number, *row]


class Summary:
    """The part every summary exporter shares; put it before the exporter whose columns and
    rows it reuses (``class HazardsSummary(Summary, HazardsExporter)``)."""

    permission = SUMMARY_PERMISSION
    formats = ("xlsx",)
    #: the header → ``Column.total`` of the reused columns whose sum means nothing (a score)
    totals: dict = {}

    def months(self, ctx: ExportContext) -> list[datetime.date]:
        if "summary_months" not in ctx.cache:
            today = ctx.today or timezone.localdate()
            ctx.cache["summary_months"] = months_of(ctx.params, today)
        return ctx.cache["summary_months"]

    def first_day(self, ctx) -> datetime.date:
        return self.months(ctx)[0]

    def last_day(self, ctx) -> datetime.date:
        return month_bounds(self.months(ctx)[-1])[1]

    def moments(self, ctx) -> tuple[datetime.datetime, datetime.datetime]:
        """The range as local midnights: its first (included), the next month's (excluded)."""
        months = self.months(ctx)
        return month_moments(months[0])[0], month_moments(months[-1])[1]

    def compounds(self, ctx: ExportContext) -> QuerySet:
        return compounds_visible_to(ctx.user)

    def describe_filter(self, ctx: ExportContext) -> str:
        return f"月份：{period_words(self.months(ctx))}"

    def title_rows(self, ctx: ExportContext, width: int, months=None) -> list[list]:
        """«和平街道 2026年11月 小区创建情况汇总表», then 填报单位 left and 填报日期 right."""
        period = period_words(months or self.months(ctx))
        title = " ".join(part for part in (area_words(ctx.user), period, self.title) if part)
        today = ctx.today or timezone.localdate()
        unit = f"填报单位：{describe_scope(ctx.user)}"
        date = f"填报日期：{today:%Y-%m-%d}"
        second = [unit, *([""] * max(width - 3, 0)), date] if width > 2 else [unit, date]
        return [[title], second]

    def dress(self, ctx: ExportContext, sheet: Sheet, *, totals: bool = True) -> Sheet:
        """A sheet of the reused exporter in the summary's layout: 序号, the title rows and
        (for number columns) the 合计 row."""
        columns = [
            replace(column, total=self.totals[column.header])
            if column.header in self.totals
            else column
            for column in sheet.columns
        ]
        columns = [SEQUENCE_COLUMN, *columns]
        return Sheet(
            sheet.title,
            columns,
            numbered(sheet.rows),
            counted=sheet.counted,
            title_rows=self.title_rows(ctx, len(columns)),
            totals=totals,
        )

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        """The reused exporter's sheets, its counted one in the summary's layout."""
        return [self.dress(ctx, sheet) if sheet.counted else sheet for sheet in super().sheets(ctx)]


def compounds_in_order(compounds: QuerySet) -> list[Compound]:
    return list(compounds.select_related("community").order_by("community__code", "code"))
