"""The export of dispute cases with their figures: a sheet of cases and a sheet of figures, on
the shared export path (``communities.exports``: inline or as a job, the same file).

The cases come from ``visible_to(user)``: the workbench list's filter (its query string, read
by the list's own form, so a value the list does not offer is ignored) or the admin's change
list / selection. The figures sheet is ``dispute_figures`` of exactly those cases, so the two
sheets always agree. Parties are masked unless the user may see personal data. The queries
do not grow with the cases: relations are joined, the parties prefetched in one query, the
figures are five aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import override

from communities.exports import DATE, NUMBER, TEXT, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import person_name
from communities.privacy import can_see_personal_data, personal_fields, personal_value
from communities.selectors import compounds_for_filter
from communities.vocabulary import choice_label
from disputes import resources as r
from disputes.figures import dispute_figures
from disputes.forms import CaseFilterForm
from disputes.models import (
    Category,
    DisputeCase,
    Level,
    Party,
    PartyRole,
    Satisfaction,
    Source,
    Status,
)
from disputes.privacy import case_text_masker
from disputes.selectors import cases_for_list

EXPORTER_KEY = "disputes.cases"

# Widths and kinds by header (the headers themselves are the file format: disputes.resources).
WIDTHS = {"案件编号": 20, "小区": 14, "纠纷情况": 40, "办理结果": 30, "当事人": 40}
WIDTHS.update({"街道": 14, "社区": 14, "类别": 12, "状态": 12, "登记日期": 12, "办结时限": 12})
KINDS = {
    "登记日期": DATE,  # registration and closing are moments; the column shows their local date
    "办结时限": DATE,
    "结案日期": DATE,
    "上交次数": NUMBER,
    "涉及金额": NUMBER,
}
CASE_COLUMNS = [Column(h, WIDTHS.get(h, 12), KINDS.get(h, TEXT)) for h in r.CASE_HEADERS]
FIGURE_COLUMNS = [Column(r.FIGURE_HEADERS[0], 16), Column(r.FIGURE_HEADERS[1], 16)]
FIGURE_COLUMNS.append(Column(r.FIGURE_HEADERS[2], 12, NUMBER))


def party_text(party: Party, personal: bool) -> str:
    shown = [personal_value(party, field, shown=personal) for field in personal_fields(Party)]
    parts = [choice_label(PartyRole, party.role), *shown]
    return " ".join(part for part in parts if part)


CHUNK = 2000


def export_queryset(cases: QuerySet, user) -> QuerySet:
    parties = Party.objects.visible_to(user).order_by("pk")
    return cases.select_related(
        "street", "compound__community", "handler", "leader"
    ).prefetch_related(Prefetch("parties", queryset=parties))


def case_rows(cases: QuerySet, *, user, today: datetime.date) -> Iterator[list]:
    personal = can_see_personal_data(user)
    # In chunks (each with its parties' query), so a big export never holds every case.
    for case in export_queryset(cases, user).iterator(chunk_size=CHUNK):
        # The parties' names are masked in the free text as in their own columns.
        mask = case_text_masker(case.parties.all(), shown=personal)
        yield [
            case.number,
            case.street.name,
            case.compound.community.name,
            case.compound.code,
            case.compound.name,
            choice_label(Category, case.category),
            choice_label(Source, case.source),
            choice_label(Level, case.level),
            choice_label(Status, case.status),
            case.registered_at,
            case.deadline,
            r.YES if case.is_overdue(today) else r.NO,
            person_name(case.handler),
            person_name(case.leader),
            case.escalations,
            mask(case.description),
            case.amount,
            mask(case.outcome),
            case.closed_at,
            choice_label(Satisfaction, case.satisfaction),
            "; ".join(party_text(party, personal) for party in case.parties.all()),
        ]


def figure_rows(figures: dict, today: datetime.date) -> list[list]:
    rows = []
    for key, label in r.FIGURE_ROWS:
        name = f"{label}(%)" if key in r.PERCENT_FIGURES else str(label)
        rows.append([name, "", figures[key]])
    for key, title in r.BREAKDOWNS:
        rows += [[str(title), str(label), n] for _value, label, n in figures[key]]
    return rows


class CasesExporter(AdminExporter):
    """The workbench list's cases (``{"query": …}``) or the admin's (``{"admin": …}`` /
    ``{"pks": […]}``)."""

    key = EXPORTER_KEY
    title = "矛盾纠纷案件"
    permission = "disputes.export_disputecase"
    filename = "disputes"
    model = DisputeCase

    def _form(self, ctx: ExportContext) -> CaseFilterForm:
        if "form" not in ctx.cache:
            compounds = compounds_for_filter(user=ctx.user)
            form = CaseFilterForm(QueryDict(ctx.params["query"]), compounds=compounds)
            form.is_valid()
            ctx.cache["form"] = form
        return ctx.cache["form"]

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            filters = self._form(ctx).filters()
            return cases_for_list(user=ctx.user, filters=filters, today=ctx.today)
        return super().queryset(ctx)

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        cases = self.queryset(ctx)
        figures = dispute_figures(cases, ctx.today)
        return [
            Sheet(
                r.CASES_SHEET,
                CASE_COLUMNS,
                case_rows(cases, user=ctx.user, today=ctx.today),
                counted=True,
            ),
            Sheet(r.FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(figures, ctx.today)),
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        with override("zh-hans"):
            form = self._form(ctx)
            parts = []
            for name, value in form.cleaned_data.items():
                if value in ("", None, False):
                    continue
                field = form.fields[name]
                if value is True:
                    parts.append(str(field.label))
                    continue
                shown = dict(getattr(field, "choices", ())).get(value, value)
                parts.append(f"{field.label}: {shown}")
            return "；".join(parts)
