"""Checklist templates in the admin: global, editable only as unused drafts; new versions
and publishing go through the services."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from inspections import models as m
from inspections import services
from inspections.errors import WorkflowError
from inspections.services.templates import template_is_editable

from .common import RelatedOnly

MSG_NEW_VERSION = _('Version {new} is a draft copy of version {old}: <a href="{url}">edit it</a>.')
MSG_PUBLISH_ONE = _("Select exactly one version to publish.")


def _editable_templates():
    used = m.Inspection.objects.filter(template=OuterRef("pk"))
    return m.ChecklistTemplate.objects.filter(status=m.TemplateStatus.DRAFT).exclude(Exists(used))


def _is_editable(template: m.ChecklistTemplate) -> bool:
    """Cached on the object: the admin asks several times per page."""
    if not hasattr(template, "_admin_editable"):
        template._admin_editable = template_is_editable(template)
    return template._admin_editable


class TemplateAdminBase(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """The checklist templates' admins: the same as ``ScopedAdminMixin`` without the scope
    (the standard is global). Writes only while the version is an unused draft."""

    show_full_result_count = False
    show_auditlog_history_link = False  # the «审计日志» button on the page instead
    list_per_page = 50

    def template_of(self, obj) -> m.ChecklistTemplate:  # pragma: no cover - abstract
        raise NotImplementedError

    def _editable(self, obj) -> bool:
        return obj is None or _is_editable(self.template_of(obj))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a used version must not go in a bulk delete
        return actions


class TemplateInlineBase(admin.TabularInline):
    extra = 0

    def _editable(self, obj) -> bool:
        """``obj`` is the parent: the template (sections) or a section (items)."""
        if obj is None:
            return True
        return _is_editable(obj if isinstance(obj, m.ChecklistTemplate) else obj.template)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


class SectionInline(TemplateInlineBase):
    model = m.ChecklistSection
    fields = ["code", "title", "order", "item_count"]
    readonly_fields = ["item_count"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return getattr(obj, "n_items", "—")


@admin.register(m.ChecklistTemplate)
class ChecklistTemplateAdmin(TemplateAdminBase):
    list_display = [
        "version",
        "name",
        "status",
        "published_at",
        "copied_from",
        "pass_threshold",
        "basic_threshold",
        "inspection_count",
    ]
    list_select_related = ["copied_from"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [SectionInline]
    actions = ["make_new_version", "publish"]
    fields = [
        "name",
        "version",
        "status",
        "published_at",
        "copied_from",
        "pass_threshold",
        "basic_threshold",
        "item_pass_ratio",
    ]

    def template_of(self, obj):
        return obj

    def get_queryset(self, request):
        # Counted per template shown, not by joining every inspection to every template and
        # grouping (which the list's count repeated): a province's 550,000 self-checks made
        # that 60 ms for one template.
        used = (
            m.Inspection.objects.filter(template=OuterRef("pk"))
            .order_by()
            .values("template")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(n_inspections=Coalesce(Subquery(used), 0))

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "published_at", "copied_from"]
        return [*fixed, "version"] if obj is not None else fixed

    @admin.display(description=_("inspections"), ordering="n_inspections")
    def inspection_count(self, obj):
        return obj.n_inspections

    @admin.action(description=_("Make a new version (a draft copy)"), permissions=["add"])
    def make_new_version(self, request, queryset):
        for template in queryset.order_by("version"):
            try:
                copy = services.template_new_version(template=template, actor=request.user)
            except WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            url = reverse("admin:inspections_checklisttemplate_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    MSG_NEW_VERSION,
                    new=copy.version,
                    old=template.version,
                    url=url,
                ),
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Publish (checks opened from now on use it)"), permissions=["change"]
    )
    def publish(self, request, queryset):
        templates = list(queryset)
        if len(templates) != 1:
            self.message_user(request, MSG_PUBLISH_ONE, messages.ERROR)
            return
        template = templates[0]
        try:  # the service says why a version cannot be published (not a draft, no items)
            services.template_publish(template=template, actor=request.user)
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            _("Version %(version)s is published; the version published before is retired.")
            % {"version": template.version},
            messages.SUCCESS,
        )


class ItemInline(TemplateInlineBase):
    model = m.ChecklistItem
    fields = [
        "code",
        "title",
        "text",
        "guidance",
        "answer_type",
        "points",
        "evidence_required",
        "critical",
        "fail_above",
        "order",
    ]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }


def _section_label(section: m.ChecklistSection) -> str:
    return f"v{section.template.version} · {section.code} {section.title}"


@admin.register(m.ChecklistSection)
class ChecklistSectionAdmin(TemplateAdminBase):
    list_display = ["title", "code", "template", "order", "item_count"]
    list_select_related = ["template"]
    list_filter = [("template", RelatedOnly)]
    search_fields = ["code", "title"]
    fields = ["template", "code", "title", "order"]
    inlines = [ItemInline]

    def template_of(self, obj):
        return obj.template

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    def get_readonly_fields(self, request, obj=None):
        return ["template"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":
            kwargs["queryset"] = _editable_templates()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items


class SectionCodeFilter(admin.SimpleListFilter):
    title = _("section")
    parameter_name = "section_code"

    def lookups(self, request, model_admin):
        sections = m.ChecklistSection.objects.order_by("order", "code")
        return list(dict.fromkeys(sections.values_list("code", "title")))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(section__code=self.value())
        return queryset


@admin.register(m.ChecklistItem)
class ChecklistItemAdmin(TemplateAdminBase):
    list_display = [
        "code",
        "title",
        "section_title",
        "template_version",
        "answer_type",
        "points",
        "evidence_required",
        "critical",
    ]
    list_select_related = ["section__template"]
    list_filter = [
        ("section__template", RelatedOnly),
        SectionCodeFilter,
        "answer_type",
        "critical",
        "evidence_required",
    ]
    search_fields = ["code", "title", "text"]
    ordering = ["-section__template__version", "section__order", "order", "code"]

    def template_of(self, obj):
        return obj.section.template

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section__template")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = m.ChecklistSection.objects.filter(
                template__in=_editable_templates()
            ).select_related("template")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = _section_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("section"), ordering="section__order")
    def section_title(self, obj):
        return obj.section.title

    @admin.display(description=_("version"), ordering="section__template__version")
    def template_version(self, obj):
        return obj.section.template.version
