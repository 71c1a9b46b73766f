"""The export of dispute cases with their figures: a sheet of cases and a sheet of figures, on
the shared export path (``communities.exports``: inline or as a job, the same file).

The cases come from ``visible_to(user)``: the workbench list's filter (its query string, read
by the list's own form, so a value the list does not offer is ignored) or the admin's change
list / selection. The figures sheet is ``dispute_figures`` of exactly those cases, so the two
sheets always agree. Parties are masked unless the user is shown them (``shows_parties``,
回避 decided per case from its own columns). The queries do not grow with the cases: relations
are joined, the parties prefetched in one query, the figures are five aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from communities.chunks import chunked
from communities.exports import DATE, NUMBER, TEXT, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import describe_scope, list_filter_form
from communities.exports.filters import describe_form
from communities.exports.writer import FILTER_LABEL, NO_FILTER, SCOPE_LABEL
from communities.people import person_name
from communities.privacy import personal_fields, personal_value
from communities.selectors import compounds_for_filter
from communities.vocabulary import choice_label
from disputes import resources as r
from disputes.conflict import company_ties
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
from disputes.roles import sees_parties
from disputes.selectors import cases_for_list

EXPORTER_KEY = "disputes.cases"

# Widths and kinds, by position in disputes.resources.CASE_HEADERS (the headers are the
# catalogue's words). Registration and closing are moments: the columns show their local date.
(NUMBER_, STREET, COMMUNITY, CODE, COMPOUND, CATEGORY, SOURCE, LEVEL, STATUS, REGISTERED,
 DEADLINE, OVERDUE, HANDLER, LEADER, ESCALATIONS, DESCRIPTION, AMOUNT, OUTCOME, CLOSED,
 SATISFACTION, PARTIES) = range(21)  # fmt: skip
WIDTHS = {NUMBER_: 20, STREET: 14, COMMUNITY: 14, CODE: 10, COMPOUND: 16, CATEGORY: 12}
WIDTHS.update({STATUS: 10, REGISTERED: 12, DEADLINE: 12, HANDLER: 12, LEADER: 12})
WIDTHS.update({DESCRIPTION: 40, AMOUNT: 12, OUTCOME: 30, CLOSED: 12, PARTIES: 40})
KINDS = {REGISTERED: DATE, DEADLINE: DATE, CLOSED: DATE, ESCALATIONS: NUMBER, AMOUNT: NUMBER}
CASE_COLUMNS = [
    Column(header, WIDTHS.get(i, 10), KINDS.get(i, TEXT)) for i, header in enumerate(r.CASE_HEADERS)
]
FIGURE_COLUMNS = [Column(r.FIGURE_HEADERS[0], 22), Column(r.FIGURE_HEADERS[1], 16)]
FIGURE_COLUMNS.append(Column(r.FIGURE_HEADERS[2], 40, NUMBER))
# One row per party: the case, the party's role and (masked unless the user may see them)
# name, phone and ID number.
PARTY_COLUMNS = [
    Column(r.CASE_HEADERS[NUMBER_], 20),
    Column(r.CASE_HEADERS[COMPOUND], 16),
    Column(r.PARTY_ROLE, 10),
    Column(r.PARTY_NAME, 12),
    Column(r.PARTY_PHONE, 14),
    Column(r.PARTY_ID_NUMBER, 22),
]


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


def shown_parties(user):
    """Per case: are its parties and texts exported in full for this user (``shows_parties``,
    decided from the case's own columns: no query per case)?"""
    allowed, ties = sees_parties(user), company_ties(user)
    return lambda case: allowed and not ties.conflicted(case)


def case_rows(cases: QuerySet, *, user, today: datetime.date) -> Iterator[list]:
    shown = shown_parties(user)
    # In chunks (each with its parties' query), so a big export never holds every case.
    for case in export_queryset(cases, user).iterator(chunk_size=CHUNK):
        personal = shown(case)
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


def party_rows(cases: QuerySet, *, user) -> Iterator[list]:
    """One row per party of the exported cases, in the cases' order. The cases are read again
    with only what the rows and the 回避 rule need, their parties one query per chunk (not the
    case sheet's full rows and prefetches a second time: a province's 300,000 cases)."""
    shown = shown_parties(user)
    visible = Party.objects.visible_to(user)
    light = (
        cases.select_related(None)
        .select_related("compound")
        .only("number", "category", "respondent_company_id", "compound_id", "compound__name")
    )
    for chunk in chunked(light.iterator(chunk_size=CHUNK), CHUNK):
        parties: dict[int, list[Party]] = {}
        for party in visible.filter(case__in=[case.pk for case in chunk]).order_by("pk"):
            parties.setdefault(party.case_id, []).append(party)
        for case in chunk:
            personal = shown(case)
            for party in parties.get(case.pk, ()):
                yield [
                    case.number,
                    case.compound.name,
                    choice_label(PartyRole, party.role),
                    *(personal_value(party, name, shown=personal) for name in PARTY_FIELDS),
                ]


PARTY_FIELDS = ("name", "phone", "id_number")


def figure_rows(figures: dict, today: datetime.date, about: list[list] = ()) -> list[list]:
    """The figures; ``about`` first: which scope and filter they are of, so the sheet says it
    on its own when it is copied or printed."""
    rows = [list(row) for row in about]
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
    personal_data = True  # the parties
    filename = "disputes"
    download_name = "矛盾纠纷案件"
    model = DisputeCase

    def shows_personal_data(self, ctx: ExportContext) -> bool:
        return sees_parties(ctx.user)  # in full, but for cases about the reader's company

    def _form(self, ctx: ExportContext) -> CaseFilterForm:
        def build(query):
            return CaseFilterForm(query, compounds=compounds_for_filter(user=ctx.user))

        return list_filter_form(ctx, build)

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            filters = self._form(ctx).filters()
            return cases_for_list(user=ctx.user, filters=filters, today=ctx.today)
        return super().queryset(ctx)

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        cases = self.queryset(ctx)
        figures = dispute_figures(cases, ctx.today)
        about = [
            [SCOPE_LABEL, "", describe_scope(ctx.user)],
            [FILTER_LABEL, "", self.describe_filter(ctx) or NO_FILTER],
        ]
        return [
            Sheet(
                r.CASES_SHEET,
                CASE_COLUMNS,
                case_rows(cases, user=ctx.user, today=ctx.today),
                counted=True,
            ),
            Sheet(r.PARTIES_SHEET, PARTY_COLUMNS, party_rows(cases, user=ctx.user)),
            Sheet(r.FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(figures, ctx.today, about)),
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        """Every active filter of the list in its own words: «状态：未结案；登记年份：2026»."""
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx))
