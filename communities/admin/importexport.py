"""Import and export in the admin (placeholder: hardened by the import/export work)."""

from import_export.admin import ImportExportModelAdmin


class RegisterImportExportMixin(ImportExportModelAdmin):
    pass
