"""Exports of inspections and hazards (export only): Chinese headers, codes and words, scoped.

Like the register's files (``communities.resources``): a resource is built for one user and
exports only rows in ``visible_to(user)``; the admin writes them with the register's formats
(``communities.importing.formats``), which neutralise cells that could run as formulas. The
headers and the words in the cells are the file format, hence literal Chinese.

An inspection is one row with its item results as columns, one per item code of the versions
exported (``SY-1 有场所``: 是 / 否 / 不适用, a score or a number), read in one query per chunk
of inspections: the query count does not grow with the rows.
"""

from collections.abc import Iterator
from itertools import islice

import tablib
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from communities.exporting import cell_date, cell_number
from inspections.models import (
    Answer,
    AnswerType,
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

KIND_WORDS = {InspectionKind.SELF_CHECK: "月度自查", InspectionKind.SUPERVISION: "督导检查"}
STATUS_WORDS = {
    InspectionStatus.DRAFT: "草稿",
    InspectionStatus.SUBMITTED: "已提交待审核",
    InspectionStatus.RETURNED: "已退回",
    InspectionStatus.APPROVED: "已通过",
}
RESULT_WORDS = {Result.PASS: "达标", Result.BASIC: "基本达标", Result.FAIL: "不达标"}
SOURCE_WORDS = {
    HazardSource.SELF_CHECK: "月度自查",
    HazardSource.SUPERVISION: "督导检查",
    HazardSource.PATROL: "巡逻",
    HazardSource.OTHER: "其他",
}
CATEGORY_WORDS = {
    HazardCategory.FIRE: "消防安全",
    HazardCategory.PUBLIC_ORDER: "治安",
    HazardCategory.BUILDING: "房屋建筑",
    HazardCategory.ELECTRICAL: "用电安全",
    HazardCategory.TRAFFIC: "交通与停车",
    HazardCategory.OTHER: "其他",
}
SEVERITY_WORDS = {
    Severity.LOW: "低",
    Severity.MEDIUM: "中",
    Severity.HIGH: "高",
    Severity.MAJOR: "重大",
}
HAZARD_STATUS_WORDS = {
    HazardStatus.OPEN: "待整改",
    HazardStatus.RECTIFYING: "整改中",
    HazardStatus.RECTIFIED: "已整改待验收",
    HazardStatus.VERIFIED: "已验收",
}
YES, NO, NOT_APPLICABLE = "是", "否", "不适用"


def answer_value(answer_type: str, not_applicable: bool, value_bool, score, count, text):
    """An answer as a cell: 是 / 否 / 不适用, a score, a number or the text ("" unanswered)."""
    if not_applicable:
        return NOT_APPLICABLE
    if answer_type == AnswerType.YES_NO:
        return "" if value_bool is None else (YES if value_bool else NO)
    if answer_type == AnswerType.SCORE:
        return cell_number(score)
    if answer_type == AnswerType.NUMBER:
        return cell_number(count)
    return text or ""


def column(attribute: str | None, header: str) -> Field:
    return Field(attribute=attribute, column_name=header, readonly=True)


class ScopedExportResource(resources.ModelResource):
    """Export-only base: rows come from ``visible_to(user)``; no user, no rows."""

    select_related: tuple[str, ...] = ()
    sheet_title = ""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.today = timezone.localdate()

    def scoped_queryset(self):
        manager = self._meta.model.objects
        return manager.visible_to(self.user) if self.user else manager.none()

    def get_queryset(self):
        return self.scoped_queryset().select_related(*self.select_related)

    def filter_export(self, queryset, **kwargs):
        # The admin passes its changelist's (already scoped) queryset; narrow it once more.
        visible = self.scoped_queryset().values("pk")
        return queryset.filter(pk__in=visible).select_related(*self.select_related)

    def import_data(self, *args, **kwargs):  # pragma: no cover - never wired to an import
        raise NotImplementedError("Inspections and hazards are exported, never imported.")

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        dataset = super().export(queryset, **kwargs)
        dataset.title = self.sheet_title
        return dataset


class InspectionResource(ScopedExportResource):
    compound_code = column("compound__code", "小区编码")
    compound_name = column("compound__name", "小区名称")
    street = column("compound__community__street__name", "街道")
    community = column("compound__community__name", "社区")
    month = column(None, "月份")
    kind = column(None, "检查类型")
    organisation = column("organisation__name", "检查单位")
    status = column(None, "状态")
    score = column(None, "得分(%)")
    result = column(None, "结果")
    template_version = column("template__version", "检查表版本")
    submitted = column(None, "提交日期")
    reviewed = column(None, "审核日期")
    review_comment = column("review_comment", "审核意见")

    select_related = ("compound__community__street", "organisation", "template")
    sheet_title = "检查"

    class Meta:
        model = Inspection
        fields = [
            "compound_code",
            "compound_name",
            "street",
            "community",
            "month",
            "kind",
            "organisation",
            "status",
            "score",
            "result",
            "template_version",
            "submitted",
            "reviewed",
            "review_comment",
        ]
        name = "检查（每次检查一行，含各项结果）"

    def dehydrate_month(self, obj) -> str:
        return f"{obj.period:%Y-%m}"

    def dehydrate_kind(self, obj) -> str:
        return KIND_WORDS.get(obj.kind, obj.kind)

    def dehydrate_status(self, obj) -> str:
        return STATUS_WORDS.get(obj.status, obj.status)

    def dehydrate_score(self, obj):
        return cell_number(obj.score)

    def dehydrate_result(self, obj) -> str:
        return RESULT_WORDS.get(obj.result, "")

    def dehydrate_submitted(self, obj) -> str:
        return cell_date(obj.submitted_at)

    def dehydrate_reviewed(self, obj) -> str:
        return cell_date(obj.reviewed_at)

    # --- the item columns --------------------------------------------------------------------

    @staticmethod
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

    @staticmethod
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
        return {(row[0], row[1]): answer_value(*row[2:]) for row in rows}

    def _chunks(self, queryset) -> Iterator[list]:
        rows = queryset.iterator(chunk_size=CHUNK)
        while chunk := list(islice(rows, CHUNK)):
            yield chunk

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        queryset = self.filter_export(self.get_queryset() if queryset is None else queryset)
        fields = self.get_export_fields(kwargs.get("export_fields"))
        items = self.item_columns(queryset)
        headers = [field.column_name for field in fields] + [header for _code, header in items]
        dataset = tablib.Dataset(headers=headers, title=self.sheet_title)
        for chunk in self._chunks(queryset):
            answers = self.answers_of([obj.pk for obj in chunk])
            for obj in chunk:
                row = [self.export_field(field, obj) for field in fields]
                row += [answers.get((obj.pk, code), "") for code, _header in items]
                dataset.append(row)
        return dataset


class HazardResource(ScopedExportResource):
    compound_code = column("compound__code", "小区编码")
    compound_name = column("compound__name", "小区名称")
    street = column("compound__community__street__name", "街道")
    community = column("compound__community__name", "社区")
    source = column(None, "来源")
    category = column(None, "类别")
    severity = column(None, "严重程度")
    description = column("description", "隐患描述")
    responsible_party = column("responsible_party", "责任单位")
    deadline = column(None, "整改期限")
    status = column(None, "状态")
    overdue = column(None, "是否逾期")
    raised = column(None, "发现日期")
    rectified = column(None, "整改日期")
    verified = column(None, "验收日期")
    rectification_note = column("rectification_note", "整改情况")

    select_related = ("compound__community__street",)
    sheet_title = "隐患"

    class Meta:
        model = Hazard
        fields = [
            "compound_code",
            "compound_name",
            "street",
            "community",
            "source",
            "category",
            "severity",
            "description",
            "responsible_party",
            "deadline",
            "status",
            "overdue",
            "raised",
            "rectified",
            "verified",
            "rectification_note",
        ]
        name = "隐患"

    def dehydrate_source(self, obj) -> str:
        return SOURCE_WORDS.get(obj.source, obj.source)

    def dehydrate_category(self, obj) -> str:
        return CATEGORY_WORDS.get(obj.category, obj.category)

    def dehydrate_severity(self, obj) -> str:
        return SEVERITY_WORDS.get(obj.severity, obj.severity)

    def dehydrate_deadline(self, obj) -> str:
        return obj.deadline.isoformat()

    def dehydrate_status(self, obj) -> str:
        return HAZARD_STATUS_WORDS.get(obj.status, obj.status)

    def dehydrate_overdue(self, obj) -> str:
        return YES if obj.is_overdue(self.today) else NO

    def dehydrate_raised(self, obj) -> str:
        return cell_date(obj.created_at)

    def dehydrate_rectified(self, obj) -> str:
        return cell_date(obj.rectified_at)

    def dehydrate_verified(self, obj) -> str:
        return cell_date(obj.verified_at)
