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

from communities.exports import DATE, NUMBER, Column, ExportContext, Sheet
from communities.exports.admin import AdminExporter
from inspections import resources as r
from inspections.models import Answer, ChecklistItem, Hazard, Inspection

CHUNK = 500  # inspections per query of answers

INSPECTION_COLUMNS = [
    Column("小区编码", 10),
    Column("小区名称", 16),
    Column("街道", 12),
    Column("社区", 12),
    Column("月份", 9),
    Column("检查类型", 10),
    Column("检查单位", 18),
    Column("状态", 12),
    Column("得分(%)", 8, NUMBER),
    Column("结果", 10),
    Column("检查表版本", 10, NUMBER),
    Column("提交日期", 12, DATE),
    Column("审核日期", 12, DATE),
    Column("审核意见", 30),
]
HAZARD_COLUMNS = [
    Column("小区编码", 10),
    Column("小区名称", 16),
    Column("街道", 12),
    Column("社区", 12),
    Column("来源", 10),
    Column("类别", 12),
    Column("严重程度", 8),
    Column("隐患描述", 40),
    Column("责任单位", 16),
    Column("整改期限", 12, DATE),
    Column("状态", 12),
    Column("是否逾期", 8),
    Column("发现日期", 12, DATE),
    Column("整改日期", 12, DATE),
    Column("验收日期", 12, DATE),
    Column("整改情况", 40),
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
        r.KIND_WORDS.get(obj.kind, obj.kind),
        obj.organisation.name if obj.organisation else "",
        r.STATUS_WORDS.get(obj.status, obj.status),
        obj.score,
        r.RESULT_WORDS.get(obj.result, ""),
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
                r.SOURCE_WORDS.get(obj.source, obj.source),
                r.CATEGORY_WORDS.get(obj.category, obj.category),
                r.SEVERITY_WORDS.get(obj.severity, obj.severity),
                obj.description,
                obj.responsible_party,
                obj.deadline,
                r.HAZARD_STATUS_WORDS.get(obj.status, obj.status),
                r.YES if obj.is_overdue(ctx.today) else r.NO,
                obj.created_at,
                obj.rectified_at,
                obj.verified_at,
                obj.rectification_note,
            ]
