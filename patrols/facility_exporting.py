"""The export of 物防/技防 facilities on the shared export path (``communities.exports``): a
sheet of facilities, a sheet of each compound's coverage with its gaps in words, and a sheet of
the rates against the targets.

Rows come from ``visible_to(user)``: the coverage list's filters (its query string, read by the
list's own form) or the admin's change list / selection. The coverage and figures sheets are of
the same compounds (for the admin: the compounds of the exported facilities). The queries do
not grow with the rows: relations are joined, the gaps read two queries per chunk of compounds.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.exports import DATE, NUMBER, TEXT, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import describe_scope, list_filter_form, register
from communities.exports.filters import describe_form
from communities.exports.writer import FILTER_LABEL, NO_FILTER, SCOPE_LABEL
from communities.models import Compound, Street
from communities.vocabulary import FILE_LANGUAGE, choice_label, field_word, file_word
from patrols import facility_coverage as fc
from patrols import facility_selectors as selectors
from patrols.facility_forms import CoverageFilterForm
from patrols.models import Facility, FacilityKind, FacilityLocation

EXPORTER_KEY = "patrols.facilities"
CHUNK = 500
YES, NO = "是", "否"

COMPOUND_COLUMNS = [
    Column(field_word(Compound, "code"), 10),
    Column(file_word(_("compound")), 16),
    Column(file_word(_("street")), 12),
    Column(file_word(_("community")), 12),
]
FACILITY_COLUMNS = [
    *COMPOUND_COLUMNS,
    Column(field_word(Facility, "kind"), 14),
    Column(field_word(Facility, "location"), 10),
    Column(field_word(Facility, "entrance"), 12),
    Column(field_word(Facility, "building"), 10),
    Column(field_word(Facility, "quantity"), 8, NUMBER),
    Column(field_word(Facility, "in_service"), 8),
    Column(field_word(Facility, "out_of_service_since"), 12, DATE),
    Column(field_word(Facility, "checked_on"), 12, DATE),
    Column(file_word(_("hazard raised")), 8),
]
PHYSICAL_WORD = file_word(_("物防 coverage"))
TECH_WORD = file_word(_("技防 coverage"))
COVERAGE_COLUMNS = [
    *COMPOUND_COLUMNS,
    Column(PHYSICAL_WORD, 10),
    Column(file_word(_("物防 gaps")), 40),
    Column(TECH_WORD, 10),
    Column(file_word(_("技防 gaps")), 40),
]
FIGURE_COLUMNS = [Column(file_word(_("Figure")), 26), Column(file_word(_("Value")), 14, TEXT)]
FACILITIES_SHEET = file_word(_("Facilities"))
COVERAGE_SHEET = file_word(_("Coverage by compound"))
FIGURES_SHEET = file_word(_("Coverage rates"))


def facility_rows(facilities: QuerySet) -> Iterator[list]:
    rows = facilities.select_related("compound__community__street", "entrance").order_by(
        "compound__code", "entrance__name", "kind", "pk"
    )
    for facility in rows.iterator(chunk_size=CHUNK):
        compound = facility.compound
        yield [
            compound.code,
            compound.name,
            compound.community.street.name,
            compound.community.name,
            choice_label(FacilityKind, facility.kind),
            choice_label(FacilityLocation, facility.location),
            facility.entrance.name if facility.entrance_id else "",
            facility.building,
            facility.quantity,
            YES if facility.in_service else NO,
            facility.out_of_service_since,
            facility.checked_on,
            YES if facility.hazard_id else NO,
        ]


def coverage_rows(compounds: QuerySet) -> Iterator[list]:
    """One row per compound: its status and its gaps in words (in the file's language)."""
    rows = fc.annotate_coverage(compounds).select_related("community__street").order_by("code")
    iterator = rows.iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        with override(FILE_LANGUAGE):
            gaps = fc.coverage_gaps_bulk(c.pk for c in chunk)
            for compound in chunk:
                yield [
                    compound.code,
                    compound.name,
                    compound.community.street.name,
                    compound.community.name,
                    str(fc.STATUS_LABELS[fc.coverage_status(compound, fc.PHYSICAL)]),
                    "；".join(gaps[compound.pk].physical),
                    str(fc.STATUS_LABELS[fc.coverage_status(compound, fc.TECH)]),
                    "；".join(gaps[compound.pk].tech),
                ]


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def figure_rows(figures: fc.CoverageFigures, about: list[list]) -> list[list]:
    with override(FILE_LANGUAGE):
        rows = [
            (_("Compounds"), figures.compounds),
            (_("Assessed (an entrance recorded)"), figures.assessed),
            (_("Not assessed"), figures.not_assessed),
            (_("物防 covered"), figures.physical_covered),
            (_("物防 coverage rate"), _rate(figures.physical_rate)),
            (_("物防 target"), _rate(figures.physical_target)),
            (_("技防 covered"), figures.tech_covered),
            (_("技防 coverage rate"), _rate(figures.tech_rate)),
            (_("技防 target"), _rate(figures.tech_target)),
        ]
        return [*about, *([str(label), str(value)] for label, value in rows)]


class FacilitiesExporter(AdminExporter):
    """The coverage list's compounds (``{"query": …}``) or the admin's facilities."""

    key = EXPORTER_KEY
    title = "物防技防设施"
    permission = "patrols.export_facility"
    filename = "facilities"
    download_name = "物防技防设施"
    model = Facility

    def _form(self, ctx: ExportContext) -> CoverageFilterForm:
        def build(query):
            return CoverageFilterForm(
                query,
                streets=Street.objects.visible_to(ctx.user),
                communities=selectors.communities_for_filter(user=ctx.user, query=query),
            )

        return list_filter_form(ctx, build)

    def compounds(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            filters = self._form(ctx).filters()
            listed = selectors.compounds_for_coverage(user=ctx.user, filters=filters)
            return Compound.objects.filter(pk__in=listed.values("pk"))
        facilities = super().queryset(ctx)
        visible = Compound.objects.visible_to(ctx.user)
        return visible.filter(pk__in=facilities.values("compound_id"))

    def queryset(self, ctx: ExportContext) -> QuerySet:
        if "query" in ctx.params:
            visible = Facility.objects.visible_to(ctx.user)
            return visible.filter(compound__in=self.compounds(ctx))
        return super().queryset(ctx)

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx))

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        compounds = self.compounds(ctx)
        about = [
            [SCOPE_LABEL, describe_scope(ctx.user)],
            [FILTER_LABEL, self.described_filter(ctx) or NO_FILTER],
        ]
        return [
            Sheet(
                FACILITIES_SHEET, FACILITY_COLUMNS, facility_rows(self.queryset(ctx)), counted=True
            ),
            Sheet(COVERAGE_SHEET, COVERAGE_COLUMNS, coverage_rows(compounds)),
            Sheet(
                FIGURES_SHEET, FIGURE_COLUMNS, figure_rows(fc.facility_coverage(compounds), about)
            ),
        ]


def register_exporter() -> None:
    register(FacilitiesExporter())
