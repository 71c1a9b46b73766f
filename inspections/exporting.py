"""Exports of inspections and hazards on the shared export path (``communities.exports``).

Rows come from ``visible_to(user)`` narrowed by the admin change list's filters (its query
string, rebuilt for the user); the words are ``inspections.resources``'s. An inspection is one
row with its item results as columns, one per item code of the versions exported
(``SY-1 有场所``: 是 / 否 / 不适用, a score or a number), read in one query per chunk of
inspections: the query count does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext_lazy as _

from communities.exports import DATE, NUMBER, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.models import Compound
from communities.vocabulary import choice_label, field_word, file_word
from inspections import resources as r
from inspections.models import (
    Answer,
    ChecklistItem,
    Hazard,
    HazardCategory,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Result,
    Severity,
)

CHUNK = 500  # inspections per query of answers

# Headers are the screens' words for the fields (verbose names), in the file's language.
COMPOUND_COLUMNS = [
    Column(field_word(Compound, "code"), 10),
    Column(file_word(_("compound")), 16),
    Column(file_word(_("street")), 12),
    Column(file_word(_("community")), 12),
]
INSPECTION_COLUMNS = [
    *COMPOUND_COLUMNS,
    Column(field_word(Inspection, "period"), 9),
    Column(field_word(Inspection, "kind"), 10),
    Column(field_word(Inspection, "organisation"), 18),
    Column(field_word(Inspection, "status"), 12),
    Column(field_word(Inspection, "score"), 8, NUMBER),
    Column(field_word(Inspection, "result"), 10),
    Column(file_word(_("checklist version")), 10, NUMBER),
    Column(field_word(Inspection, "submitted_at"), 12, DATE),
    Column(field_word(Inspection, "reviewed_at"), 12, DATE),
    Column(field_word(Inspection, "review_comment"), 30),
]
HAZARD_COLUMNS = [
    *COMPOUND_COLUMNS,
    Column(field_word(Hazard, "source"), 10),
    Column(field_word(Hazard, "category"), 12),
    Column(field_word(Hazard, "severity"), 8),
    Column(field_word(Hazard, "description"), 40),
    Column(field_word(Hazard, "responsible_party"), 16),
    Column(field_word(Hazard, "deadline"), 12, DATE),
    Column(field_word(Hazard, "status"), 12),
    Column(file_word(_("Overdue")), 8),
    Column(file_word(_("raised on")), 12, DATE),
    Column(field_word(Hazard, "rectified_at"), 12, DATE),
    Column(field_word(Hazard, "verified_at"), 12, DATE),
    Column(field_word(Hazard, "rectification_note"), 40),
]


def _chunks(queryset) -> Iterator[list]:
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def item_columns(queryset) -> list[tuple[str, str]]:
    """``(code, header)`` of every item of the versions the inspections used: the newest
    version's items in its order, then codes only older versions have."""
    items = (
        ChecklistItem.objects.filter(section__template__in=queryset.values("template_id"))
        .order_by("-section__template__version", "section__order", "order", "code")
        .values_list("code", "title")
    )
    columns: dict[str, str] = {}
    for code, title in items:
        columns.setdefault(code, f"{code} {title}")
    return list(columns.items())


def answers_of(ids: list[int]) -> dict[tuple[int, str], object]:
    rows = Answer.objects.filter(inspection_id__in=ids).values_list(
        "inspection_id",
        "item__code",
        "item__answer_type",
        "not_applicable",
        "value_bool",
        "value_score",
        "value_number",
        "value_text",
    )
    return {(row[0], row[1]): r.answer_value(*row[2:]) for row in rows}


def _inspection_row(obj: Inspection) -> list:
    compound = obj.compound
    return [
        compound.code,
        compound.name,
        compound.community.street.name,
        compound.community.name,
        f"{obj.period:%Y-%m}",
        choice_label(InspectionKind, obj.kind),
        obj.organisation.name if obj.organisation else "",
        choice_label(InspectionStatus, obj.status),
        obj.score,
        choice_label(Result, obj.result),
        obj.template.version,
        obj.submitted_at,
        obj.reviewed_at,
        obj.review_comment,
    ]


class InspectionsExporter(AdminExporter):
    key = "inspections.inspections"
    title = "检查（每次检查一行，含各项结果）"
    permission = "inspections.export_inspection"
    filename = "inspections"
    formats = ("xlsx", "csv")
    model = Inspection

    def queryset(self, ctx: ExportContext):
        return (
            super()
            .queryset(ctx)
            .select_related("compound__community__street", "organisation", "template")
        )

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        inspections = self.queryset(ctx)
        items = item_columns(inspections)
        columns = [*INSPECTION_COLUMNS, *(Column(header, 14) for _code, header in items)]
        return [Sheet("检查", columns, self._rows(inspections, items), counted=True)]

    @staticmethod
    def _rows(inspections, items) -> Iterator[list]:
        for chunk in _chunks(inspections):
            answers = answers_of([obj.pk for obj in chunk])
            for obj in chunk:
                row = _inspection_row(obj)
                row += [answers.get((obj.pk, code), "") for code, _header in items]
                yield row


class HazardsExporter(AdminExporter):
    key = "inspections.hazards"
    title = "隐患"
    permission = "inspections.export_hazard"
    filename = "hazards"
    formats = ("xlsx", "csv")
    model = Hazard

    def queryset(self, ctx: ExportContext):
        return super().queryset(ctx).select_related("compound__community__street")

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        return [Sheet("隐患", HAZARD_COLUMNS, self._rows(ctx), counted=True)]

    def _rows(self, ctx: ExportContext) -> Iterator[list]:
        for obj in self.queryset(ctx).iterator(chunk_size=CHUNK):
            compound = obj.compound
            yield [
                compound.code,
                compound.name,
                compound.community.street.name,
                compound.community.name,
                choice_label(HazardSource, obj.source),
                choice_label(HazardCategory, obj.category),
                choice_label(Severity, obj.severity),
                obj.description,
                obj.responsible_party,
                obj.deadline,
                choice_label(HazardStatus, obj.status),
                r.YES if obj.is_overdue(ctx.today) else r.NO,
                obj.created_at,
                obj.rectified_at,
                obj.verified_at,
                obj.rectification_note,
            ]
