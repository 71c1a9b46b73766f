"""Exports of inspections and hazards on the shared export path (``communities.exports``).

Rows come from ``visible_to(user)`` narrowed by the admin change list's filters (its query
string, rebuilt for the user); the words are ``inspections.resources``'s. An inspection is one
row with its item results as columns, one per item code of the versions exported
(``SY-1 有场所``: 是 / 否 / 不适用, a score or a number), read in one query per chunk of
inspections: the query count does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from communities.chunks import chunked
from communities.exports import DATE, MONTH, NUMBER, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from communities.exports.base import list_filter_form
from communities.exports.filters import describe_form
from communities.models import Compound
from communities.selectors import compounds_for_filter
from communities.vocabulary import choice_label, field_word, file_word
from inspections import resources as r
from inspections.forms.checks import CheckFilterForm
from inspections.forms.hazards import HazardFilterForm
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
from inspections.selectors import checks, hazards

CHUNK = 500  # inspections per query of answers
LIST_LABEL = "列表"

# Headers are the screens' words for the fields (verbose names), in the file's language.
COMPOUND_COLUMNS = [
    Column(field_word(Compound, "code"), 10),
    Column(file_word(_("compound")), 16),
    Column(file_word(_("street")), 12),
    Column(file_word(_("community")), 12),
]
INSPECTION_COLUMNS = [
    *COMPOUND_COLUMNS,
    Column(field_word(Inspection, "period"), 9, MONTH),
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
        obj.period,
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


def _check_list(ctx: ExportContext) -> tuple[str, CheckFilterForm, dict]:
    """The checks list's tab, filter form and narrowing, read from its query string exactly as
    the list reads it (an unknown tab is the first; an invalid filter narrows nothing)."""
    if "checks" not in ctx.cache:
        query = QueryDict(ctx.params["query"])
        tabs = checks.check_tabs_for(user=ctx.user)
        tab = query.get("list") if query.get("list") in tabs else tabs[0]
        compounds = checks.compounds_for_checks(user=ctx.user)
        form = CheckFilterForm(query or None, compounds=compounds)
        narrow = {"month": None, "compound_id": None}
        if form.is_valid():
            compound = form.cleaned_data["compound"]
            narrow = {"month": form.cleaned_data["month"], "compound_id": compound and compound.pk}
        ctx.cache["checks"] = (tab, form, narrow)
    return ctx.cache["checks"]


def _tab_label(user, tab: str) -> str:
    return str(checks.tab_labels(user=user)[tab])


class InspectionsExporter(AdminExporter):
    """The admin's change list (``{"admin": …}`` / ``{"pks": […]}``) or the workbench checks
    list (``{"query": …}``: its tab, month and compound)."""

    key = "inspections.inspections"
    title = "检查（每次检查一行，含各项结果）"
    permission = "inspections.export_inspection"
    filename = "inspections"
    download_name = "检查"
    formats = ("xlsx", "csv")
    model = Inspection

    def queryset(self, ctx: ExportContext):
        if "query" in ctx.params:
            tab, _form, narrow = _check_list(ctx)
            return checks.checks_in_tab(user=ctx.user, tab=tab, today=ctx.today, **narrow)
        return (
            super()
            .queryset(ctx)
            .select_related("compound__community__street", "organisation", "template")
        )

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        tab, form, _narrow = _check_list(ctx)
        first = [f"{LIST_LABEL}：{_tab_label(ctx.user, tab)}"]
        if form.is_bound and not form.is_valid():  # the list then narrows nothing: say so
            labels = {name: field.label for name, field in form.fields.items()}
            errors = [f"{labels.get(n, '')}（{m}）" for n, ms in form.errors.items() for m in ms]
            return "；".join([*first, "未采用：" + "、".join(errors)])
        return describe_form(form, first=first, shown={"month": lambda d: f"{d:%Y-%m}"})

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        inspections = self.queryset(ctx)
        items = item_columns(inspections)
        columns = [*INSPECTION_COLUMNS, *(Column(header, 14) for _code, header in items)]
        return [Sheet("检查", columns, self._rows(inspections, items), counted=True)]

    @staticmethod
    def _rows(inspections, items) -> Iterator[list]:
        for chunk in chunked(inspections.iterator(chunk_size=CHUNK), CHUNK):
            answers = answers_of([obj.pk for obj in chunk])
            for obj in chunk:
                row = _inspection_row(obj)
                row += [answers.get((obj.pk, code), "") for code, _header in items]
                yield row


class HazardsExporter(AdminExporter):
    """The admin's change list or the workbench hazard list (``{"query": …}``, its filters)."""

    key = "inspections.hazards"
    title = "隐患"
    permission = "inspections.export_hazard"
    filename = "hazards"
    download_name = "隐患"
    formats = ("xlsx", "csv")
    model = Hazard

    def _form(self, ctx: ExportContext) -> HazardFilterForm:
        def build(query):
            return HazardFilterForm(query, compounds=compounds_for_filter(user=ctx.user))

        return list_filter_form(ctx, build)

    def queryset(self, ctx: ExportContext):
        if "query" in ctx.params:
            filters = self._form(ctx).filters()
            rows = hazards.hazards_for_list(user=ctx.user, filters=filters, today=ctx.today)
        else:
            rows = super().queryset(ctx)
        return rows.select_related("compound__community__street")

    def describe_filter(self, ctx: ExportContext) -> str:
        if "query" not in ctx.params:
            return super().describe_filter(ctx)
        return describe_form(self._form(ctx))

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
