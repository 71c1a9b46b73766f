"""The summaries that list records — self-checks, hazards, disputes, watch groups, patrol logs,
residents' registration — over the months asked for: each is the app's own exporter (its
columns, rows, masking and extra sheets, not a copy) whose rows start from the user's scope
narrowed to the months, its main sheet in the summary's layout (``Summary.dress``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.exports import ExportContext, Sheet
from communities.models import Resident
from communities.models.residents import REGISTERING_KINDS
from communities.residents import columns as c
from communities.residents.exporting import (
    FIGURE_COLUMNS,
    FIGURES_SHEET,
    ResidentsExporter,
    figure_rows,
    resident_rows,
)
from disputes.exporting import CasesExporter
from disputes.models import DisputeCase
from inspections.exporting import INSPECTION_COLUMNS, HazardsExporter, InspectionsExporter
from inspections.models import Hazard, Inspection, InspectionKind
from patrols import team_selectors
from patrols.group_exporting import COVERAGE_COLUMNS, WatchGroupsExporter
from patrols.models import WatchGroup, WatchGroupMembership
from patrols.patrol_figures import logs_in
from patrols.team_exporting import PatrolLogsExporter

from .base import Summary
from .compounds import ratio, registration_day


class SelfChecksSummary(Summary, InspectionsExporter):
    key = "reports.summary_self_checks"
    title = "小区自查情况汇总表"
    filename = "summary-self-checks"
    download_name = "小区自查情况汇总表"
    # A score or a checklist version summed means nothing.
    totals = {INSPECTION_COLUMNS[8].header: None, INSPECTION_COLUMNS[10].header: None}

    def queryset(self, ctx: ExportContext) -> QuerySet:
        months = self.months(ctx)
        return (
            Inspection.objects.visible_to(ctx.user)
            .filter(kind=InspectionKind.SELF_CHECK, period__gte=months[0], period__lte=months[-1])
            .select_related("compound__community__street", "organisation", "template")
            .order_by("period", "compound__code", "pk")
        )


class HazardsSummary(Summary, HazardsExporter):
    """The hazards raised in the months."""

    key = "reports.summary_hazards"
    title = "隐患排查整改情况汇总表"
    filename = "summary-hazards"
    download_name = "隐患排查整改情况汇总表"

    def queryset(self, ctx: ExportContext) -> QuerySet:
        start, end = self.moments(ctx)
        return (
            Hazard.objects.visible_to(ctx.user)
            .filter(created_at__gte=start, created_at__lt=end)
            .select_related("compound__community__street")
            .order_by("created_at", "pk")
        )


class DisputesSummary(Summary, CasesExporter):
    """The cases registered in the months, with their parties' and figures' sheets."""

    key = "reports.summary_disputes"
    title = "矛盾纠纷排查调处情况汇总表"
    filename = "summary-disputes"
    download_name = "矛盾纠纷排查调处情况汇总表"

    def queryset(self, ctx: ExportContext) -> QuerySet:
        start, end = self.moments(ctx)
        return (
            DisputeCase.objects.visible_to(ctx.user)
            .filter(registered_at__gte=start, registered_at__lt=end)
            .order_by("registered_at", "pk")
        )


OCCUPIED, COVERED, COVERAGE = (column.header for column in COVERAGE_COLUMNS[2:5])


class WatchGroupsSummary(Summary, WatchGroupsExporter):
    """The groups formed by the range's end and not dissolved before its start, each with its
    households now; the coverage per compound (now: watch groups keep no monthly history)."""

    key = "reports.summary_watch_groups"
    title = "十户联防组情况汇总表"
    filename = "summary-watch-groups"
    download_name = "十户联防组情况汇总表"
    totals = {COVERAGE: ratio(COVERAGE_COLUMNS[3], COVERAGE_COLUMNS[2])}

    def _compounds(self, ctx: ExportContext) -> QuerySet:
        return self.compounds(ctx)

    def queryset(self, ctx: ExportContext) -> QuerySet:
        return WatchGroup.objects.visible_to(ctx.user).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=self.first_day(ctx)),
            formed_on__lte=self.last_day(ctx),
        )

    def count(self, ctx: ExportContext) -> int:
        """The main sheet's rows: one per household of each group."""
        return WatchGroupMembership.objects.current().filter(group__in=self.queryset(ctx)).count()

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        return [self.dress(ctx, sheet) for sheet in WatchGroupsExporter.sheets(self, ctx)]


class PatrolLogsSummary(Summary, PatrolLogsExporter):
    """The patrols started in the months, with the statistics sheet of the same logs."""

    key = "reports.summary_patrol_logs"
    title = "巡逻情况汇总表"
    filename = "summary-patrol-logs"
    download_name = "巡逻情况汇总表"

    def queryset(self, ctx: ExportContext) -> QuerySet:
        logs = team_selectors.logs_for_list(user=ctx.user)
        return logs_in(logs, self.first_day(ctx), self.last_day(ctx))


class ResidentsSummary(Summary, ResidentsExporter):
    """The floating and foreign residents living in the scope at any time of the months, with
    their registration; the 以房管人 figures per compound on the range's last day."""

    key = "reports.summary_residents"
    title = "流动人口居住登记情况汇总表"
    filename = "summary-residents"
    download_name = "流动人口居住登记情况汇总表"

    def queryset(self, ctx: ExportContext) -> QuerySet:
        return (
            Resident.objects.visible_to(ctx.user)
            .filter(kind__in=REGISTERING_KINDS)
            .filter(Q(moved_in__isnull=True) | Q(moved_in__lte=self.last_day(ctx)))
            .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=self.first_day(ctx)))
        )

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        today = ctx.today or timezone.localdate()
        on = registration_day(self.months(ctx)[-1], today)
        shown = self.shows_personal_data(ctx)
        residents = Sheet(
            c.SHEET, c.RESIDENT_COLUMNS, resident_rows(self.queryset(ctx), shown=shown), True
        )
        return [
            self.dress(ctx, residents),
            Sheet(FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(self.compounds(ctx), on)),
        ]


RECORD_SUMMARIES = (
    SelfChecksSummary,
    HazardsSummary,
    DisputesSummary,
    WatchGroupsSummary,
    PatrolLogsSummary,
    ResidentsSummary,
)
