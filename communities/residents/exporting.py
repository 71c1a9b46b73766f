"""The residents export and the registration work list's export, on the shared export path
(``communities.exports``, section 12 of docs/architecture.md).

- ``ResidentsExporter`` (``communities.residents``): the user's residents — present ones, or
  with ``moved_out`` those who moved out too — in the columns of ``columns.py`` (so an
  exported file imports back), narrowed by the place filters (``filters.ResidentFilters``) or
  by the admin's change list; and a sheet of 以房管人 figures per compound
  (``figures.resident_figures_by``) with a total.
- ``WorklistExporter`` (``communities.registration_worklist``): the rows of the work list's
  chosen item, read with the page's own form (``filters.WorklistFilters``), with the reason,
  the days to expiry and, for a rented home without a tenant, the landlord.

Names, ID numbers and phones (the residents' and the landlords') are masked as the models
declare unless the reader may see personal data in full (``shows_personal_data``: the
permission and, in a request, a stated reason; a job follows its request). Cells that could
run as formulas are neutralised by the shared writer. Rows are read in chunks with their
household, compound and community in the same query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import override, pgettext_lazy

from communities.exports import NUMBER, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import Exporter
from communities.exports.filters import describe_form
from communities.models import Compound, Resident
from communities.privacy import personal_value
from communities.scoping import compounds_visible_to
from communities.vocabulary import FILE_LANGUAGE, choice_label, file_word

from . import columns as c
from .figures import RegistrationRate, ResidentFigures, resident_figures, resident_figures_by
from .filters import ResidentFilters, WorklistFilters
from .worklist import WorkItem

RESIDENTS_KEY = "communities.residents"
WORKLIST_KEY = "communities.registration_worklist"
CHUNK = 2000


# The figures sheet ------------------------------------------------------------------------------

FIGURES_SHEET = "统计"
TOTAL = "合计"
FIGURE_COLUMNS = [
    Column(c.COMPOUND_CODE, 10),
    Column(c.COMPOUND_NAME, 16),
    Column("户数", 8, NUMBER),
    Column(file_word(pgettext_lazy("export header", "occupied households")), 10, NUMBER),
    Column(
        file_word(pgettext_lazy("export header", "households with residents recorded")), 12, NUMBER
    ),
    Column(file_word(pgettext_lazy("export header", "residents present")), 10, NUMBER),
    Column(file_word(pgettext_lazy("export header", "floating residents present")), 10, NUMBER),
    Column(file_word(pgettext_lazy("export header", "rented homes")), 10, NUMBER),
    Column(
        file_word(pgettext_lazy("export header", "rented homes without a tenant recorded")),
        12,
        NUMBER,
    ),
    Column(file_word(pgettext_lazy("export header", "residents who must register")), 12, NUMBER),
    Column(file_word(pgettext_lazy("export header", "residents registered")), 10, NUMBER),
    Column(file_word(pgettext_lazy("export header", "registration rate (%)")), 10, NUMBER),
]


def percent(rate: float | None) -> float | None:
    """A share as a percent number with one decimal (``None``, an empty cell, for no base)."""
    return None if rate is None else round(100 * rate, 1)


def figure_cells(figures: ResidentFigures) -> list:
    rate: RegistrationRate = figures.rate
    return [
        figures.households,
        figures.occupied,
        figures.with_roster,
        figures.residents,
        figures.floating,
        figures.rented,
        figures.rented_without_tenant,
        rate.present,
        rate.registered,
        percent(rate.rate),
    ]


def figure_rows(compounds: QuerySet, on: datetime.date) -> Iterator[list]:
    """One row per compound (code order), then the total: five queries whatever their number."""
    by_compound = resident_figures_by(compounds, "compound", on)
    for compound in compounds.order_by("code").only("pk", "code", "name"):
        figures = by_compound.get(compound.pk, ResidentFigures())
        yield [compound.code, compound.name, *figure_cells(figures)]
    yield [TOTAL, "", *figure_cells(resident_figures(compounds, on))]


# The residents ----------------------------------------------------------------------------------


def resident_rows(residents: QuerySet, *, shown: bool) -> Iterator[list]:
    rows = residents.select_related("household__compound").order_by(
        "household__compound__code", "household__building", "household__unit",
        "household__room", "moved_out", "pk",
    )  # fmt: skip
    for resident in rows.iterator(chunk_size=CHUNK):
        yield c.resident_row(resident, shown=shown)


class ResidentsExporter(AdminExporter):
    """The residents of the workbench's filters (``{"query": …}``: street, community, compound,
    search, ``moved_out``) or of the admin's change list (``{"admin": …}`` / ``{"pks": […]}``);
    without a filter, every present resident the user sees."""

    key = RESIDENTS_KEY
    title = "实有人口"
    permission = "communities.export_resident"
    personal_data = True
    filename = "residents"
    download_name = "实有人口"
    model = Resident

    def _form(self, ctx: ExportContext) -> ResidentFilters:
        if "resident_filters" not in ctx.cache:  # its own key: a context may be shared
            query = QueryDict(ctx.params.get("query", ""))
            ctx.cache["resident_filters"] = ResidentFilters(ctx.user, query)
        return ctx.cache["resident_filters"]

    def _admin(self, ctx: ExportContext) -> bool:
        return "admin" in ctx.params or "pks" in ctx.params

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if self._admin(ctx):
            return super().queryset(ctx)
        return self._form(ctx).residents(ctx.today)

    def compounds(self, ctx: ExportContext) -> QuerySet:
        """The compounds of the figures sheet: the chosen place's (a search keeps those with a
        home it matches); from the admin, the compounds of the rows."""
        if self._admin(ctx):
            rows = self.queryset(ctx).values("household__compound_id")
            return Compound.objects.filter(pk__in=rows)
        form = self._form(ctx)
        compounds = compounds_visible_to(ctx.user)
        if any(form.value(name) for name in ("street", "community", "compound", "q")):
            compounds = compounds.filter(pk__in=form.households().values("compound_id"))
        return compounds

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        on = ctx.today or timezone.localdate()
        shown = self.shows_personal_data(ctx)
        return [
            Sheet(
                c.SHEET,
                c.RESIDENT_COLUMNS,
                resident_rows(self.queryset(ctx), shown=shown),
                counted=True,
            ),
            Sheet(FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(self.compounds(ctx), on)),
        ]

    def describe_filter(self, ctx: ExportContext) -> str:
        if self._admin(ctx):
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx))


# The work list ----------------------------------------------------------------------------------

WORKLIST_SHEET = "居住登记工作清单"
COUNTS_SHEET = "各项数量"
ITEM = file_word(pgettext_lazy("export header", "work-list item"))
COMMUNITY = "社区"
DAYS_TO_EXPIRY = file_word(pgettext_lazy("export header", "days to expiry"))
LANDLORD_NAME = file_word(pgettext_lazy("export header", "landlord's name"))
LANDLORD_PHONE = file_word(pgettext_lazy("export header", "landlord's phone"))
RESIDENTS_RECORDED = file_word(pgettext_lazy("export header", "residents recorded"))

PLACE_COLUMNS = [
    Column(ITEM, 16),
    Column(COMMUNITY, 12),
    Column(c.COMPOUND_CODE, 10),
    Column(c.COMPOUND_NAME, 16),
    Column(c.BUILDING, 8),
    Column(c.UNIT, 8),
    Column(c.ROOM, 8),
]
#: a resident's own columns of ``columns.py`` (the place is in ``PLACE_COLUMNS``; everyone on
#: the list lives there, so no moving-out date)
PERSON_INDEXES = [
    i for i, col in enumerate(c.RESIDENT_COLUMNS) if i >= 5 and col.header != c.MOVED_OUT
]
PERSON_COLUMNS = [
    *PLACE_COLUMNS,
    *(c.RESIDENT_COLUMNS[i] for i in PERSON_INDEXES),
    Column(DAYS_TO_EXPIRY, 10, NUMBER),
]
HOME_COLUMNS = [
    *PLACE_COLUMNS,
    Column(LANDLORD_NAME, 10),
    Column(LANDLORD_PHONE, 14),
    Column(RESIDENTS_RECORDED, 10, NUMBER),
]
COUNT_COLUMNS = [
    Column(file_word(pgettext_lazy("export header", "item")), 30),
    Column("数值", 10, NUMBER),
]


def _item_label(item: str) -> str:
    with override(FILE_LANGUAGE):
        return choice_label(WorkItem, item)


def person_item_rows(
    residents: QuerySet, item: str, on: datetime.date, *, shown: bool
) -> Iterator[list]:
    label = _item_label(item)
    for resident in residents.iterator(chunk_size=CHUNK):
        household = resident.household
        row = c.resident_row(resident, shown=shown)
        days = (resident.permit_expires - on).days if resident.permit_expires else None
        person = [row[i] for i in PERSON_INDEXES]
        yield [label, household.compound.community.name, *row[:5], *person, days]


def home_rows(households: QuerySet, *, shown: bool) -> Iterator[list]:
    label = _item_label(WorkItem.NO_TENANT)
    for household in households.iterator(chunk_size=CHUNK):
        compound = household.compound
        yield [
            label,
            compound.community.name,
            compound.code,
            compound.name,
            household.building,
            household.unit,
            household.room,
            personal_value(household, "landlord_name", shown=shown),
            personal_value(household, "landlord_phone", shown=shown),
            household.roster_present,
        ]


class WorklistExporter(Exporter):
    """The work list's chosen item under its filters (``{"query": …}``, the page's query
    string); without one, the residents not registered."""

    key = WORKLIST_KEY
    title = "居住登记工作清单"
    permission = "communities.export_resident"
    personal_data = True
    filename = "registration-worklist"
    download_name = "居住登记工作清单"
    model = Resident

    def _form(self, ctx: ExportContext) -> WorklistFilters:
        if "worklist_filters" not in ctx.cache:  # its own key: a context may be shared
            query = QueryDict(ctx.params.get("query", ""))
            ctx.cache["worklist_filters"] = WorklistFilters(ctx.user, query)
        return ctx.cache["worklist_filters"]

    def queryset(self, ctx: ExportContext) -> QuerySet:
        return self._form(ctx).rows(ctx.today)

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        on = ctx.today or timezone.localdate()
        form = self._form(ctx)
        item = form.chosen_item
        shown = self.shows_personal_data(ctx)
        rows = form.rows(on)
        if item == WorkItem.NO_TENANT:
            main = Sheet(WORKLIST_SHEET, HOME_COLUMNS, home_rows(rows, shown=shown), counted=True)
        else:
            cells = person_item_rows(rows, item, on, shown=shown)
            main = Sheet(WORKLIST_SHEET, PERSON_COLUMNS, cells, counted=True)
        counts = form.counts(on)
        count_rows = [[_item_label(key), counts[str(key)]] for key in WorkItem]
        return [main, Sheet(COUNTS_SHEET, COUNT_COLUMNS, count_rows)]

    def describe_filter(self, ctx: ExportContext) -> str:
        form = self._form(ctx)
        if form.value("item"):
            return describe_form(form)
        # The tab is named also when it is the default one.
        tab = f"{form.fields['item'].label}：{_item_label(form.chosen_item)}"
        return describe_form(form, first=[tab])


def register_exporters() -> None:
    from communities.exports import register

    register(ResidentsExporter())
    register(WorklistExporter())
