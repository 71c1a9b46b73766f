"""Shared pieces of the inspections admin: export and filters (the read-only scoped bases
are communities.admin.readonly's)."""

from django.contrib import admin
from import_export.admin import ExportMixin

from communities.admin.month_filter import MonthFilter as BaseMonthFilter
from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.exports.admin import ExporterAdminMixin
from inspections.list_figures import kept_months

RelatedOnly = admin.RelatedOnlyFieldListFilter


class ExportOnlyMixin(ExporterAdminMixin, ExportMixin):
    """Export (no import) on the shared export path (``exporter_key``, ``inspections.exporting``):
    the change list's rows as filtered, .xlsx or CSV, at once or as a job; the exporter's
    permission (the model's ``export``) is needed."""


class MonthFilter(BaseMonthFilter):
    """The month of a check (``period``); the choices kept until a check changes."""

    def keep(self, request, model_admin, compute):
        return kept_months(request.user, model_admin.opts.label_lower, compute)


STREET = ("compound__community__street", ScopedPlaceFilter)
