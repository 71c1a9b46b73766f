"""The compound summary (小区创建情况汇总表): one row per compound of the user's scope with the
month's key figures, one sheet per month, each with its 合计.

Every figure is the owning app's (``*_by(compounds, month, "compound")``, ``patrol_figures_by``,
``registration_rate_by``): nothing is recomputed here. The 合计 row sums the counts while the rows
stream; a rate there is the ratio of the two summed counts, so it equals the scope's figure
(``self_check_figures(compounds, month).pass_rate`` …), groups adding up to the total. Patrols
are the exception the patrols app documents: a patrol through two compounds counts in both rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.exports import NUMBER, Column, ExportContext, Exporter, Sheet
from communities.months import month_bounds, percent
from communities.residents import columns as c
from communities.residents.figures import RegistrationRate, registration_rate_by
from communities.vocabulary import file_word
from disputes.figures import DisputeMonthFigures, dispute_month_figures_by
from inspections.figures import (
    HazardMonthFigures,
    SelfCheckFigures,
    hazard_month_figures_by,
    self_check_figures_by,
)
from patrols.models import PatrolLog
from patrols.patrol_figures import COMPOUND, EMPTY, logs_in, patrol_figures_by

from .base import SEQUENCE_COLUMN, Summary, compounds_in_order

KEY = "reports.summary_compounds"


def _count(word, width: int = 8) -> Column:
    return Column(file_word(word), width, NUMBER)


def ratio(part: Column, whole: Column):
    """A rate's 合计: the ratio of the two summed counts (never a sum of rates)."""
    return lambda sums: percent(sums[part.header], sums[whole.header])


def _rate(word, part: Column, whole: Column) -> Column:
    return Column(file_word(word), 9, NUMBER, total=ratio(part, whole))


DUE = _count(pgettext_lazy("export header", "self-checks due"))
SUBMITTED = _count(pgettext_lazy("export header", "self-checks submitted"))
ON_TIME = _count(pgettext_lazy("export header", "submitted on time"))
APPROVED = _count(pgettext_lazy("export header", "self-checks approved"))
PASSED = _count(pgettext_lazy("export header", "meet the standard"))
BASIC = _count(pgettext_lazy("export header", "basically meet the standard"))
FAILED = _count(pgettext_lazy("export header", "below the standard"))
PASS_RATE = _rate(pgettext_lazy("export header", "pass rate (%)"), PASSED, APPROVED)
FOUND = _count(pgettext_lazy("export header", "hazards found"))
RECTIFIED = _count(pgettext_lazy("export header", "hazards rectified"))
VERIFIED = _count(pgettext_lazy("export header", "hazards verified"))
HAZARDS_OVERDUE = _count(pgettext_lazy("export header", "hazards overdue"))
FOUND_RECTIFIED = _count(pgettext_lazy("export header", "found and rectified"))
RECTIFICATION_RATE = _rate(
    pgettext_lazy("export header", "rectification rate (%)"), FOUND_RECTIFIED, FOUND
)
REGISTERED = _count(pgettext_lazy("export header", "disputes registered"))
RESOLVED = _count(pgettext_lazy("export header", "disputes resolved"))
ESCALATED = _count(pgettext_lazy("export header", "disputes escalated"))
DISPUTES_OVERDUE = _count(pgettext_lazy("export header", "disputes overdue"))
REGISTERED_RESOLVED = _count(pgettext_lazy("export header", "registered and resolved"))
CLOSURE_RATE = _rate(
    pgettext_lazy("export header", "closure rate (%)"), REGISTERED_RESOLVED, REGISTERED
)
PATROLS = _count(pgettext_lazy("export header", "number of patrols"))
HOURS = _count(pgettext_lazy("export header", "patrol hours"))
FINDINGS = _count(pgettext_lazy("export header", "patrol findings"))
TO_REGISTER = _count(pgettext_lazy("export header", "residents who must register"), 10)
REGISTERED_RESIDENTS = _count(pgettext_lazy("export header", "residents registered"), 10)
REGISTRATION_RATE = _rate(
    pgettext_lazy("export header", "registration rate (%)"), REGISTERED_RESIDENTS, TO_REGISTER
)

COLUMNS = [
    SEQUENCE_COLUMN,
    Column(c.COMPOUND_CODE, 10),
    Column(c.COMPOUND_NAME, 16),
    Column(file_word(_("community")), 12),
    DUE, SUBMITTED, ON_TIME, APPROVED, PASSED, BASIC, FAILED, PASS_RATE,
    FOUND, RECTIFIED, VERIFIED, HAZARDS_OVERDUE, FOUND_RECTIFIED, RECTIFICATION_RATE,
    REGISTERED, RESOLVED, ESCALATED, DISPUTES_OVERDUE, REGISTERED_RESOLVED, CLOSURE_RATE,
    PATROLS, HOURS, FINDINGS,
    TO_REGISTER, REGISTERED_RESIDENTS, REGISTRATION_RATE,
]  # fmt: skip


def _cells(
    checks: SelfCheckFigures,
    hazards: HazardMonthFigures,
    disputes: DisputeMonthFigures,
    patrols: dict,
    residents: RegistrationRate,
) -> list:
    return [
        checks.due, checks.submitted, checks.on_time, checks.approved,
        checks.passed, checks.basic, checks.failed, checks.pass_rate,
        hazards.found, hazards.rectified, hazards.verified, hazards.overdue,
        hazards.found_rectified, hazards.rectification_rate,
        disputes.registered, disputes.resolved, disputes.escalated, disputes.overdue,
        disputes.registered_resolved, disputes.closure_rate,
        patrols["logs"], patrols["hours"], patrols["findings"],
        residents.present, residents.registered,
        percent(residents.registered, residents.present),
    ]  # fmt: skip


def registration_day(month: datetime.date, today: datetime.date) -> datetime.date:
    """The day 列管率 is read on: the month's last day, or today while the month runs."""
    return min(month_bounds(month)[1], today)


class CompoundSummary(Summary, Exporter):
    key = KEY
    title = "小区创建情况汇总表"
    filename = "summary-compounds"
    download_name = "小区创建情况汇总表"

    def _compounds(self, ctx: ExportContext) -> list:
        if "summary_compounds" not in ctx.cache:
            ctx.cache["summary_compounds"] = compounds_in_order(self.compounds(ctx))
        return ctx.cache["summary_compounds"]

    def count(self, ctx: ExportContext) -> int:
        return self.compounds(ctx).count() * len(self.months(ctx))

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        first, _ = month_bounds(self.months(ctx)[0])
        logs = logs_in(PatrolLog.objects.visible_to(ctx.user), first, self.last_day(ctx))
        patrols = patrol_figures_by(logs, COMPOUND, by_month=True)
        return [
            Sheet(
                f"{month:%Y-%m}",
                COLUMNS,
                self._rows(ctx, month, patrols),
                counted=True,
                title_rows=self.title_rows(ctx, len(COLUMNS), [month]),
                totals=True,
            )
            for month in self.months(ctx)
        ]

    def _rows(self, ctx: ExportContext, month: datetime.date, patrols: dict) -> Iterator[list]:
        """The month's rows, its figures read when the writer reaches its sheet."""
        compounds = self.compounds(ctx)
        checks = self_check_figures_by(compounds, month, "compound")
        hazards = hazard_month_figures_by(compounds, month, "compound")
        disputes = dispute_month_figures_by(compounds, month, "compound")
        today = ctx.today or timezone.localdate()
        rates = registration_rate_by(compounds, "compound", registration_day(month, today))
        for number, compound in enumerate(self._compounds(ctx), start=1):
            yield [
                number,
                compound.code,
                compound.name,
                compound.community.name,
                *_cells(
                    checks.get(compound.pk, SelfCheckFigures()),
                    hazards.get(compound.pk, HazardMonthFigures()),
                    disputes.get(compound.pk, DisputeMonthFigures()),
                    patrols.get((compound.pk, month), EMPTY),
                    rates.get(compound.pk, RegistrationRate()),
                ),
            ]
