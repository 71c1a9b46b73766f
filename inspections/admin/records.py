"""Inspections, answers, evidence and their timeline: scoped and read-only; export."""

from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from communities.admin import ScopedAdminMixin
from communities.admin.readonly import ReadOnlyInline, ReadOnlyMixin, ScopedReadOnlyAdmin
from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.admin.timeline import (
    TimelineColumnsMixin,
    TimelineStatusFilter,
    person_column,
    short_date_column,
)
from inspections import models as m
from inspections import resources as r

from .common import STREET, ExportOnlyMixin, MonthFilter

FILE_KINDS = {
    "image/jpeg": _("JPEG photo"),
    "image/png": _("PNG picture"),
    "image/webp": _("WebP picture"),
    "application/pdf": _("PDF document"),
}


class FileKindFilter(admin.SimpleListFilter):
    """Evidence by file kind, offered in words (not image/jpeg)."""

    title = m.Evidence._meta.get_field("content_type").verbose_name
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        return list(FILE_KINDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(content_type=self.value()) if self.value() else queryset


def answer_text(answer: m.Answer):
    return r.answer_value(
        answer.item.answer_type,
        answer.not_applicable,
        answer.value_bool,
        answer.value_score,
        answer.value_number,
        answer.value_text,
    )


class AnswerInline(ReadOnlyInline):
    model = m.Answer
    fields = ["item", "answer", "comment", "review_comment", "evidence_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("item")
            .annotate(n_evidence=Count("evidence"))
        )

    @admin.display(description=_("answer"))
    def answer(self, obj):
        return answer_text(obj)

    @admin.display(description=_("evidence"))
    def evidence_count(self, obj):
        return obj.n_evidence


class InspectionEventInline(TimelineColumnsMixin, ReadOnlyInline):
    model = m.InspectionEvent
    fields = ["at", "action_label", "from_label", "to_label", "actor_name", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(m.Inspection)
class InspectionAdmin(ReadOnlyMixin, ScopedAdminMixin, ExportOnlyMixin, admin.ModelAdmin):
    exporter_key = "inspections.inspections"
    # newest month first, by the (period, id) index: the model's order (month, then the
    # compound's code) sorted a province's 110,000 checks for each page (0.16 s)
    ordering = ["-period", "-pk"]
    list_display = [
        "compound",
        "month",
        "kind",
        "status",
        "score",
        "result",
        "organisation",
        "submitted_time",
    ]
    list_select_related = ["compound", "organisation"]
    list_filter = [
        MonthFilter,
        "kind",
        "status",
        "result",
        STREET,
        "template",  # every template (a few), not the distinct ones of every row
    ]
    search_fields = ["compound__name", "compound__code"]
    inlines = [AnswerInline, InspectionEventInline]
    fields = [
        "compound",
        "period",
        "kind",
        "template",
        "organisation",
        "status",
        "score",
        "result",
        "created_by_name",
        "submitted_at",
        "submitted_by_name",
        "reviewed_at",
        "reviewed_by_name",
        "review_comment",
        "summary",
    ]
    created_by_name = person_column(m.Inspection, "created_by", system=True)
    submitted_time = short_date_column(m.Inspection, "submitted_at", with_time=True)
    submitted_by_name = person_column(m.Inspection, "submitted_by")
    reviewed_by_name = person_column(m.Inspection, "reviewed_by")

    @admin.display(description=_("month"), ordering="period")
    def month(self, obj):
        return f"{obj.period:%Y-%m}"


@admin.register(m.Answer)
class AnswerAdmin(ScopedReadOnlyAdmin):
    list_display = ["inspection", "item_code", "answer", "not_applicable", "comment"]
    list_select_related = ["inspection__compound", "item"]
    list_filter = ["not_applicable", "item__section__template"]  # every template (a few)
    ordering = ["-inspection_id", "-item_id"]  # newest first, by the (inspection, item) index
    search_fields = ["inspection__compound__name", "inspection__compound__code", "item__code"]
    fields = [
        "inspection",
        "item",
        "not_applicable",
        "value_bool",
        "value_score",
        "value_number",
        "value_text",
        "comment",
        "review_comment",
        "updated_at",
    ]

    @admin.display(description=_("item"), ordering="item__code")
    def item_code(self, obj):
        return obj.item.code

    @admin.display(description=_("answer"))
    def answer(self, obj):
        return answer_text(obj)


@admin.register(m.Evidence)
class EvidenceAdmin(ScopedReadOnlyAdmin):
    # File names only, no links: files are served by the workbench's scoped views.
    list_display = ["original_name", "compound", "month", "item_code", "kind", "file_size"]
    list_select_related = ["answer__inspection__compound", "answer__item"]
    ordering = ["-uploaded_at", "-pk"]  # newest first, by the (uploaded_at, id) index
    list_filter = [
        FileKindFilter,
        ("answer__inspection__compound__community__street", ScopedPlaceFilter),
    ]
    search_fields = ["original_name", "answer__inspection__compound__name"]
    fields = ["answer", "original_name", "content_type", "size", "uploaded_by_name", "uploaded_at"]
    uploaded_by_name = person_column(m.Evidence, "uploaded_by")

    @admin.display(description=m.Evidence._meta.get_field("content_type").verbose_name)
    def kind(self, obj):
        return FILE_KINDS.get(obj.content_type, obj.content_type)

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("compound"))
    def compound(self, obj):
        return obj.answer.inspection.compound

    @admin.display(description=_("month"))
    def month(self, obj):
        return f"{obj.answer.inspection.period:%Y-%m}"

    @admin.display(description=_("item"))
    def item_code(self, obj):
        return obj.answer.item.code


@admin.register(m.InspectionEvent)
class InspectionEventAdmin(TimelineColumnsMixin, ScopedReadOnlyAdmin):
    list_display = ["inspection", "action_label", "from_label", "to_label", "actor_name", "at_time"]
    list_select_related = ["inspection__compound", "actor"]
    ordering = ["-at", "-pk"]  # a log: the newest step first
    list_filter = ["action", TimelineStatusFilter]
    search_fields = ["inspection__compound__name", "inspection__compound__code", "note"]
    fields = ["inspection", "action_label", "from_label", "to_label", "actor_name", "at", "note"]
    at_time = short_date_column(m.InspectionEvent, "at", with_time=True)
