"""Admin of the reports: the reports read-only and scoped (they are requested, built and
published on the workbench), and the circular's template, which is never changed in place —
"edit" opens the add form filled with the version in force, and saving makes a new version."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from communities.admin.readonly import ScopedReadOnlyAdmin
from communities.admin.scoped import ScopedAdminMixin
from communities.models import District
from communities.scoping import scope_for

from .circular import placeholder_names, template_errors
from .models import CircularTemplate, MonthlyReport
from .services import circular_template_in_force


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedReadOnlyAdmin):
    list_display = ["month", "scope_name", "version", "status", "requested_at", "published_at"]
    list_filter = ["status", ("street", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "month"
    fields = [
        "district",
        "street",
        "month",
        "version",
        "status",
        "page",
        "workbook_sha256",
        "circular_sha256",
        "circular_template",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "attempts",
        "error",
        "published_at",
        "published_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("Report of"))
    def scope_name(self, obj):
        return obj.scope_name

    @admin.display(description=_("on the workbench"))
    def page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:report_detail", args=[obj.pk]), _("open")
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district", "street")


class CircularTemplateForm(forms.ModelForm):
    class Meta:
        model = CircularTemplate
        fields = ["district", *CircularTemplate.TEXT_FIELDS, "note"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18, "cols": 100}),
            "closing": forms.Textarea(attrs={"rows": 4, "cols": 100}),
        }

    def clean(self):
        cleaned = super().clean()
        for name in CircularTemplate.TEXT_FIELDS:
            problems = template_errors(cleaned.get(name) or "", issuer=name != "issuer")
            if problems:
                self.add_error(
                    name,
                    _("Check the placeholders: %(problems)s. The known ones are listed below.")
                    % {"problems": "; ".join(problems)},
                )
        return cleaned


def own_district(user) -> District | None:
    """The one district a bureau member writes the words for (None for an operator, or for
    someone of several districts, who chooses)."""
    scope = scope_for(user)
    if scope.everything or len(scope.district_ids) != 1:
        return None
    return District.objects.filter(pk__in=scope.district_ids).first()


@admin.register(CircularTemplate)
class CircularTemplateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped: a bureau reads the default words and its district's versions, and adds versions
    for its own district only (its newest is in force for its reports)."""

    form = CircularTemplateForm
    list_display = ["version", "district", "title", "note", "created_by", "created_at"]
    readonly_fields = ["placeholders"]

    def get_fields(self, request, obj=None):
        texts = [*CircularTemplate.TEXT_FIELDS, "note", "placeholders"]
        if obj is None and own_district(request.user) is not None:
            return texts  # the district is the user's own
        return ["district", *texts]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # an old version is read, never changed
            return ["district", *CircularTemplate.TEXT_FIELDS, "note", "placeholders"]
        return ["placeholders"]

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj=None):
        return format_html(
            "<code>{}</code>",
            format_html_join(" ", "{{{}}}", ((name,) for name in placeholder_names())),
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        """A new version starts from the words in force for the user's district."""
        district = own_district(request.user)
        return {
            name: getattr(circular_template_in_force(district), name)
            for name in CircularTemplate.TEXT_FIELDS
        }

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            district = own_district(request.user)
            if district is not None:
                obj.district = district
            versions = CircularTemplate.objects.select_for_update().values_list(
                "version", flat=True
            )
            obj.version = max(versions, default=0) + 1
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
