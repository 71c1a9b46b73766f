"""The export of dispute cases with their figures: a sheet of cases and a sheet of figures, on
the shared export path (``communities.exports``: inline or as a job, the same file).

The cases come from ``visible_to(user)``: the workbench list's filter (its query string, read
by the list's own form, so a value the list does not offer is ignored) or the admin's change
list / selection. The figures sheet is ``dispute_figures`` of exactly those cases, so the two
sheets always agree. Parties are masked unless the user is shown them (``shows_parties``,
回避 decided per case from its own columns). The queries do not grow with the cases: the cases
are read as plain values with their relations joined, a chunk at a time, each chunk's parties
in one query; the parties' sheet is filled from those as the cases stream past (``Feed``); the
figures are five aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from communities.chunks import chunked
from communities.exports import DATE, NUMBER, TEXT, Column, ExportContext, Feed, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import describe_scope, list_filter_form
from communities.exports.filters import describe_form
from communities.exports.writer import FILTER_LABEL, NO_FILTER, SCOPE_LABEL
from communities.people import person_name
from communities.privacy import MASKS, personal_fields
from communities.selectors import compounds_for_filter
from communities.vocabulary import choice_label
from disputes import resources as r
from disputes.conflict import company_ties
from disputes.figures import dispute_figures
from disputes.forms import CaseFilterForm
from disputes.models import (
    OPEN_STATUSES,
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


PARTY_FIELDS = ("name", "phone", "id_number")  # Party's personal fields, as its sheet's columns
CHUNK = 2000

# What a case's row and the 回避 rule read, as plain values: no model instance per row (at a
# province's 300,000 cases, building them cost more than writing the file).
CASE_VALUES = (
    "pk",
    "number",
    "street__name",
    "compound__community__name",
    "compound__code",
    "compound__name",
    "category",
    "source",
    "level",
    "status",
    "registered_at",
    "deadline",
    "handler_id",
    "handler__first_name",
    "handler__last_name",
    "handler__username",
    "leader_id",
    "leader__first_name",
    "leader__last_name",
    "leader__username",
    "escalations",
    "description",
    "amount",
    "outcome",
    "closed_at",
    "satisfaction",
    "respondent_company_id",
    "compound_id",
)


class PartyRow(NamedTuple):
    role: str
    name: str
    phone: str
    id_number: str


def shown_parties(user) -> Callable[[int | None, str, int | None, int], bool]:
    """Per case, from its columns (category, respondent company, compound): are its parties and
    texts exported in full for this user (``shows_parties``)? No query per case; a user tied
    to no property company is decided once for every case."""
    allowed, ties = sees_parties(user), company_ties(user)
    if not allowed or not ties.company_ids:
        return lambda category, respondent_company_id, compound_id: allowed

    def shown(category, respondent_company_id, compound_id) -> bool:
        case = DisputeCase(
            category=category, respondent_company_id=respondent_company_id, compound_id=compound_id
        )
        return not ties.conflicted(case)

    return shown


def _labels(choices) -> Callable[[str], str]:
    """``choice_label`` of every value of ``choices``, looked up once (per export, in the
    file's language: the rows are read while the file is written)."""
    table = {value: choice_label(choices, value) for value in choices.values}
    return lambda value: table.get(value) or choice_label(choices, value)


def _names() -> Callable[[int | None, str, str, str], str]:
    """``person_name`` of a user given as columns, worked out once per user."""
    known: dict[int | None, str] = {None: ""}

    def name(pk, first_name, last_name, username) -> str:
        if pk not in known:
            user = get_user_model()(
                pk=pk, first_name=first_name, last_name=last_name, username=username
            )
            known[pk] = person_name(user)
        return known[pk]

    return name


def _parties_by_case(case_ids: list[int]) -> dict[int, list[PartyRow]]:
    """The parties of cases read from ``visible_to(user)``, by case, in the order of their keys
    (one query). A party is in scope exactly when its case is (its ``compound_path`` runs
    through the case), so reading them by these cases' keys adds no party the user may not
    see; scoping them again joined every case in scope to each chunk's query (at a province's
    size the planner then scanned every party for each chunk: 150 ms a chunk, not 10)."""
    parties: dict[int, list[PartyRow]] = {}
    for case_id, *values in _party_values(case_ids):
        parties.setdefault(case_id, []).append(PartyRow(*values))
    return parties


def _party_values(case_ids: list[int]) -> list[tuple]:
    """(case id, role, name, phone, ID number) of the cases' parties, in the order of their keys.
    On PostgreSQL the keys go as one array (``= ANY(%s)``): an ``IN`` of a chunk's 2,000
    parameters cost 25 ms of Python a chunk to build and parse (4 s of a province's export)."""
    columns = ("case_id", "role", *PARTY_FIELDS)
    if connection.vendor != "postgresql":
        rows = Party.objects.filter(case_id__in=case_ids).order_by("pk")
        return list(rows.values_list(*columns))
    quote = connection.ops.quote_name
    selected = ", ".join(quote(Party._meta.get_field(c).column) for c in columns)
    table, case, pk = (quote(name) for name in (Party._meta.db_table, "case_id", "id"))
    sql = f"SELECT {selected} FROM {table} WHERE {case} = ANY(%s) ORDER BY {pk}"  # noqa: S608 (the model's names)
    with connection.cursor() as cursor:
        cursor.execute(sql, [case_ids])
        return cursor.fetchall()


def case_rows(
    cases: QuerySet, *, user, today: datetime.date, parties: Feed | None = None
) -> Iterator[list]:
    """A row per case; with ``parties``, each case's party rows are put into it as the case is
    read (the parties' sheet streams with the cases: neither is read twice)."""
    today = today or timezone.localdate()
    shown = shown_parties(user)
    category, source, level = _labels(Category), _labels(Source), _labels(Level)
    status_label, satisfaction, role_label = (
        _labels(Status),
        _labels(Satisfaction),
        _labels(PartyRole),
    )
    name_of = _names()
    masks = [MASKS[personal_fields(Party)[field]] for field in PARTY_FIELDS]
    yes, no = str(r.YES), str(r.NO)
    open_statuses = frozenset(OPEN_STATUSES)
    # In chunks (each with its parties' query), so a big export never holds every case.
    for chunk in chunked(cases.values_list(*CASE_VALUES).iterator(chunk_size=CHUNK), CHUNK):
        by_case = _parties_by_case([values[0] for values in chunk])
        for (
            pk, number, street, community, code, compound, category_, source_, level_, status,
            registered_at, deadline, handler_id, handler_first, handler_last, handler_username,
            leader_id, leader_first, leader_last, leader_username, escalations, description,
            amount, outcome, closed_at, satisfaction_, respondent_company_id, compound_id,
        ) in chunk:  # fmt: skip
            personal = shown(category_, respondent_company_id, compound_id)
            case_parties = by_case.get(pk, ())
            # The parties' names are masked in the free text as in their own columns.
            mask = case_text_masker(case_parties, shown=personal)
            texts = []
            for party in case_parties:
                values = [value or "" for value in party[1:]]
                if not personal:
                    values = [hide(value) for hide, value in zip(masks, values, strict=True)]
                role = role_label(party.role)
                texts.append(" ".join(part for part in (role, *values) if part))
                if parties is not None:
                    parties.put([number, compound, role, *values])
            yield [
                number,
                street,
                community,
                code,
                compound,
                category(category_),
                source(source_),
                level(level_),
                status_label(status),
                registered_at,
                deadline,
                yes if status in open_statuses and deadline < today else no,
                name_of(handler_id, handler_first, handler_last, handler_username),
                name_of(leader_id, leader_first, leader_last, leader_username),
                escalations,
                mask(description),
                amount,
                mask(outcome),
                closed_at,
                satisfaction(satisfaction_),
                "; ".join(texts),
            ]


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
        parties = Feed()  # filled as the cases are read
        return [
            Sheet(
                r.CASES_SHEET,
                CASE_COLUMNS,
                case_rows(cases, user=ctx.user, today=ctx.today, parties=parties),
                counted=True,
            ),
            Sheet(r.PARTIES_SHEET, PARTY_COLUMNS, parties),
            Sheet(r.FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(figures, ctx.today, about)),
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        """Every active filter of the list in its own words: «状态：未结案；登记年份：2026»."""
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx))
