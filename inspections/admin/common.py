"""Shared pieces of the inspections admin: export and filters (the read-only scoped bases
are communities.admin.readonly's)."""

import datetime
import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.exports.admin import ExporterAdminMixin
from inspections.list_figures import kept_months

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
        return kept_months(
            request.user,
            model_admin.opts.label_lower,
            lambda: [(f"{p:%Y-%m}", f"{p:%Y-%m}") for (p,) in periods.distinct()[:36]],
        )

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        month = _month_of(self.value())
        if month is None:
            # Not a month as the lookups write it (abc, 2026-13, 99999999999999999999, ２０２６-０１
            # which int() read as 2026-01): the admin's "incorrect lookup", never a 500 nor
            # another month's rows.
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(period=month)


_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


def _month_of(value: str) -> datetime.date | None:
    """``YYYY-MM`` (ASCII digits, a real month) → its first day; else ``None``."""
    match = _MONTH_RE.fullmatch(value)
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


STREET = ("compound__community__street", ScopedPlaceFilter)
