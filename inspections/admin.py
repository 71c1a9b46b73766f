"""The inspections app in the admin.

- Checklist templates belong to no compound: every user with the view permission reads every
  version. A version can be edited (with its sections and items) only while it is a draft that
  no inspection uses; new versions and publishing go through the services, as admin actions.
- Inspections, answers, evidence, hazards and their timelines are read-only here and scoped like
  the register (``ScopedAdminMixin``: a row outside the user's scope is a 404). Every state
  change is a service, called from the workbench; inspections and hazards export to .xlsx/CSV.
- Key management: the list, and putting a compound on or taking it off by hand with a reason,
  through the services.
"""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.admin import ScopedAdminMixin, ScopedInlineMixin
from communities.importing.formats import REGISTER_FORMATS
from communities.models import Compound
from inspections import models as m
from inspections import resources as r
from inspections import services
from inspections.errors import WorkflowError
from inspections.services.templates import template_is_editable

RelatedOnly = admin.RelatedOnlyFieldListFilter

MSG_NEW_VERSION = _('Version {new} is a draft copy of version {old}: <a href="{url}">edit it</a>.')
MSG_PUBLISH_ONE = _("Select exactly one version to publish.")
MSG_PUBLISH_DRAFT = _("Only a draft can be published.")
MSG_NO_ITEMS = _("A version without items cannot be published.")
MSG_NONE_ACTIVE = _("None of these is under key management now.")

# --- checklist templates (global) -----------------------------------------------------------------


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
    show_auditlog_history_link = True
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
        return super().get_queryset(request).annotate(n_inspections=Count("inspections"))

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
        if template.status != m.TemplateStatus.DRAFT:
            self.message_user(request, MSG_PUBLISH_DRAFT, messages.ERROR)
            return
        if not m.ChecklistItem.objects.filter(section__template=template).exists():
            self.message_user(request, MSG_NO_ITEMS, messages.ERROR)
            return
        try:
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


# --- read-only, scoped --------------------------------------------------------------------------


class ReadOnlyMixin:
    """Nothing is added, changed or deleted here: the services do that, from the workbench."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, ScopedInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ExportOnlyMixin(ExportMixin):
    """Export (no import) through the register's formats, for ``request.user``; the
    ``export`` permission of the model (``IMPORT_EXPORT_EXPORT_PERMISSION_CODE``) is needed."""

    def get_export_formats(self):
        return list(REGISTER_FORMATS)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_filename(self, request, queryset, file_format):
        # The local date (the library's is UTC); ASCII, so every browser keeps the name.
        name = self.model._meta.model_name
        return f"{name}s-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class MonthFilter(admin.SimpleListFilter):
    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        periods = model_admin.get_queryset(request).order_by("-period").values_list("period")
        return [(f"{p:%Y-%m}", f"{p:%Y-%m}") for (p,) in periods.distinct()[:36]]

    def queryset(self, request, queryset):
        if self.value():
            try:
                year, month = (int(part) for part in self.value().split("-"))
                return queryset.filter(period__year=year, period__month=month)
            except ValueError:
                return queryset.none()
        return queryset


STREET = ("compound__community__street", RelatedOnly)


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


class InspectionEventInline(ReadOnlyInline):
    model = m.InspectionEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(m.Inspection)
class InspectionAdmin(ReadOnlyMixin, ScopedAdminMixin, ExportOnlyMixin, admin.ModelAdmin):
    resource_classes = [r.InspectionResource]
    list_display = [
        "compound",
        "month",
        "kind",
        "status",
        "score",
        "result",
        "organisation",
        "submitted_at",
    ]
    list_select_related = ["compound", "organisation"]
    list_filter = [
        MonthFilter,
        "kind",
        "status",
        "result",
        STREET,
        ("template", RelatedOnly),
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
        "created_by",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
        "summary",
    ]

    @admin.display(description=_("month"), ordering="period")
    def month(self, obj):
        return f"{obj.period:%Y-%m}"


@admin.register(m.Answer)
class AnswerAdmin(ScopedReadOnlyAdmin):
    list_display = ["inspection", "item_code", "answer", "not_applicable", "comment"]
    list_select_related = ["inspection__compound", "item"]
    list_filter = ["not_applicable", ("item__section__template", RelatedOnly)]
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
    list_display = ["original_name", "compound", "month", "item_code", "content_type", "size"]
    list_select_related = ["answer__inspection__compound", "answer__item"]
    list_filter = ["content_type", ("answer__inspection__compound__community__street", RelatedOnly)]
    search_fields = ["original_name", "answer__inspection__compound__name"]
    fields = ["answer", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

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
class InspectionEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["inspection", "action", "from_status", "to_status", "actor", "at"]
    list_select_related = ["inspection__compound", "actor"]
    list_filter = ["action"]
    search_fields = ["inspection__compound__name", "inspection__compound__code", "note"]
    fields = ["inspection", "action", "from_status", "to_status", "actor", "at", "note"]


# --- hazards ------------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        overdue = m.Hazard.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


class HazardEventInline(ReadOnlyInline):
    model = m.HazardEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "deadline", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(m.Hazard)
class HazardAdmin(ReadOnlyMixin, ScopedAdminMixin, ExportOnlyMixin, admin.ModelAdmin):
    resource_classes = [r.HazardResource]
    list_display = [
        "compound",
        "category",
        "severity",
        "status",
        "deadline",
        "overdue",
        "source",
        "raised_on",
    ]
    list_select_related = ["compound"]
    list_filter = ["status", OverdueFilter, "category", "severity", "source", STREET]
    search_fields = ["compound__name", "compound__code", "description", "responsible_party"]
    inlines = [HazardEventInline]
    fields = [
        "compound",
        "source",
        "inspection",
        "answer",
        "category",
        "severity",
        "description",
        "responsible_party",
        "deadline",
        "status",
        "raised_by",
        "created_at",
        "rectification_note",
        "rectified_at",
        "rectified_by",
        "verified_at",
        "verified_by",
    ]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    @admin.display(description=_("raised on"), ordering="created_at")
    def raised_on(self, obj):
        return timezone.localtime(obj.created_at).date()


@admin.register(m.HazardEvent)
class HazardEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["hazard", "action", "from_status", "to_status", "actor", "deadline", "at"]
    list_select_related = ["hazard__compound", "actor"]
    list_filter = ["action"]
    search_fields = ["hazard__compound__name", "hazard__compound__code", "note"]
    fields = ["hazard", "action", "from_status", "to_status", "actor", "at", "deadline", "note"]


# --- key management -----------------------------------------------------------------------------


class ActiveFilter(admin.SimpleListFilter):
    title = _("under key management now")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(ended_on__isnull=self.value() == "yes")
        return queryset


class ByHandFilter(admin.SimpleListFilter):
    title = _("entered")
    parameter_name = "entered"

    def lookups(self, request, model_admin):
        return [("rule", _("by the rule")), ("hand", _("by hand"))]

    def queryset(self, request, queryset):
        if self.value() in ("rule", "hand"):
            return queryset.filter(started_by__isnull=self.value() == "rule")
        return queryset


class EnterForm(forms.Form):
    compound = forms.ModelChoiceField(queryset=Compound.objects.none(), label=_("compound"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        active = m.KeyManagement.objects.active().values("compound_id")
        self.fields["compound"].queryset = (
            Compound.objects.visible_to(user).exclude(pk__in=active).order_by("code")
        )


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(m.KeyManagement)
class KeyManagementAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "compound",
        "started_on",
        "start_reason",
        "started_by",
        "ended_on",
        "end_reason",
        "ended_by",
    ]
    list_select_related = ["compound", "started_by", "ended_by"]
    list_filter = [ActiveFilter, ByHandFilter, STREET]
    search_fields = ["compound__name", "compound__code", "start_reason", "end_reason"]
    actions = ["take_off"]
    change_list_template = "admin/inspections/keymanagement/change_list.html"
    fields = [
        "compound",
        "started_on",
        "start_reason",
        "started_by",
        "ended_on",
        "end_reason",
        "ended_by",
    ]

    @staticmethod
    def may_manage(request) -> bool:
        return request.user.has_perm("inspections.manage_keymanagement")

    def has_manage_permission(self, request) -> bool:  # the actions' ``permissions=["manage"]``
        return self.may_manage(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_manage": self.may_manage(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        enter = path(
            "enter/",
            self.admin_site.admin_view(self.enter_view),
            name="inspections_keymanagement_enter",
        )
        return [enter, *super().get_urls()]

    def _page(self, request, title: str, form, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.model._meta,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inspections/keymanagement/form.html", context)

    def enter_view(self, request):
        """Put a compound under key management by hand, with a reason (the service decides)."""
        if not self.may_manage(request):
            raise PermissionDenied
        form = EnterForm(request.POST or None, user=request.user)
        if form.is_valid():
            try:
                spell = services.key_management_enter(
                    compound=form.cleaned_data["compound"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(compound)s is under key management.") % {"compound": spell.compound},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:inspections_keymanagement_changelist"))
        return self._page(request, _("Put a compound under key management"), form)

    @admin.action(description=_("Take off key management (with a reason)"), permissions=["manage"])
    def take_off(self, request, queryset):
        spells = list(queryset.active().select_related("compound"))
        if not spells:
            self.message_user(request, MSG_NONE_ACTIVE, messages.ERROR)
            return None
        form = LeaveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for spell in spells:
                try:
                    services.key_management_leave(
                        compound=spell.compound,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except WorkflowError as error:
                    self.message_user(request, f"{spell.compound}: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(compound)s is off key management.") % {"compound": spell.compound},
                        messages.SUCCESS,
                    )
            return None
        return self._page(
            request,
            _("Take off key management"),
            form,
            spells=spells,
            action="take_off",
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        )
