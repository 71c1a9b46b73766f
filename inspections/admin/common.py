"""Shared pieces of the inspections admin: export and filters (the read-only scoped bases
are communities.admin.readonly's)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.exports.admin import ExporterAdminMixin

RelatedOnly = admin.RelatedOnlyFieldListFilter


class ExportOnlyMixin(ExporterAdminMixin, ExportMixin):
    """Export (no import) on the shared export path (``exporter_key``, ``inspections.exporting``):
    the change list's rows as filtered, .xlsx or CSV, at once or as a job; the exporter's
    permission (the model's ``export``) is needed."""


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
