"""The register's exports (districts … households) on the shared export path.

Columns, headers and cell words are those of the register's import/export resources
(``communities.resources``), so an exported file imports back unchanged; personal data is
masked by the same resource methods as before. Dates are real date cells; the import reads
them back as dates and skips the first sheet (``导出说明``).
"""

from __future__ import annotations

from collections.abc import Iterator

from communities.importing.widgets import DateWidget, IntegerWidget
from communities.privacy import personal_fields

from .admin import AdminExporter
from .base import DATE, NUMBER, TEXT, Column, ExportContext, Sheet

WIDTHS = {"名称": 24, "地址": 30, "统一社会信用代码": 22, "户主身份证号": 22, "合同编号": 16}
CHUNK = 1000


def _kind(field) -> str:
    if isinstance(field.widget, DateWidget):
        return DATE
    if isinstance(field.widget, IntegerWidget):
        return NUMBER
    return TEXT


class RegisterExporter(AdminExporter):
    """One register model's file, built from its import/export resource."""

    formats = ("xlsx", "csv")

    def __init__(self, resource_class):
        self.resource_class = resource_class
        self.model = resource_class._meta.model
        opts = self.model._meta
        self.key = f"{opts.app_label}.{opts.model_name}"
        self.title = str(resource_class._meta.name or opts.verbose_name_plural)
        self.permission = f"{opts.app_label}.export_{opts.model_name}"
        self.filename = self.model.__name__
        self.download_name = opts.verbose_name  # 住户-2026-12-05.xlsx
        self.personal_data = bool(personal_fields(self.model))

    def queryset(self, ctx: ExportContext):
        resource = self._resource(ctx)
        return super().queryset(ctx).select_related(*resource.select_related)

    def _resource(self, ctx: ExportContext):
        if "resource" not in ctx.cache:
            ctx.cache["resource"] = self.resource_class(user=ctx.user)
        return ctx.cache["resource"]

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        resource = self._resource(ctx)
        fields = resource.get_export_fields()
        columns = [Column(f.column_name, WIDTHS.get(f.column_name, 12), _kind(f)) for f in fields]
        return [Sheet(self.title, columns, self._rows(ctx, resource, fields), counted=True)]

    def _rows(self, ctx: ExportContext, resource, fields) -> Iterator[list]:
        for obj in self.queryset(ctx).iterator(chunk_size=CHUNK):
            yield [_cell(resource, field, obj) for field in fields]


def _cell(resource, field, obj):
    """A date as a date (a real date cell); anything else as the resource renders it (words,
    codes, masked personal data)."""
    if isinstance(field.widget, DateWidget):
        return field.get_value(obj)
    return resource.export_field(field, obj)


def register_exporters() -> None:
    from communities import resources as r

    from .base import register

    for resource_class in (
        r.DistrictResource,
        r.StreetResource,
        r.CommunityResource,
        r.CompoundResource,
        r.PropertyCompanyResource,
        r.ManagementTermResource,
        r.HouseholdResource,
    ):
        register(RegisterExporter(resource_class))
