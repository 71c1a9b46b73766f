"""Import and export of the register in the admin, on top of django-import-export.

What this adds to the library's flow (upload → dry-run preview → confirm):
- resources are built for ``request.user`` (scope, add/change rights, personal data);
- only .xlsx and CSV, checked for size (``IMPORT_MAX_FILE_BYTES``), rows and real content;
- the confirm step rolls back on any validation error too, and shows the errors instead of a
  success message; a waiting file is tied to the session that uploaded it;
- errors as "Row n, column c: reason" lines; an import template per model.

Exports do not use the library: the export button leads to the shared export path
(``communities.exports``, the register's exporters in ``register_exports.py``).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm

from communities.exporting import XLSX_CONTENT_TYPE
from communities.exports.admin import ExporterAdminMixin
from communities.importing import messages as msg
from communities.importing.audit import import_audit, import_rows
from communities.importing.errors import import_error_lines
from communities.importing.formats import REGISTER_FORMATS, ImportFileError
from communities.importing.storage import ImportTempStorage, purge_stale_import_files
from communities.importing.template import import_template_bytes
from communities.importing.uploads import ImportFileSizeMixin, WaitingImports
from communities.uploads import file_sha256

WAITING = WaitingImports("register_import_files")
logger = logging.getLogger(__name__)


class RegisterImportForm(ImportFileSizeMixin, ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].widget.attrs["accept"] = ".xlsx,.csv"


class RegisterImportExportMixin(ExporterAdminMixin, ImportExportModelAdmin):
    """django-import-export's import, with the shared export path (``communities.exports``)
    in place of its export view."""

    import_form_class = RegisterImportForm
    import_template_name = "admin/import_export/register_import.html"
    import_export_change_list_template = "admin/import_export/register_change_list.html"
    tmp_storage_class = ImportTempStorage
    import_error_display = ("message",)

    # --- formats and resources ---------------------------------------------------------------

    def get_import_formats(self):
        return list(REGISTER_FORMATS)

    @property
    def exporter_key(self) -> str:
        return f"{self.opts.app_label}.{self.opts.model_name}"

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The confirm step re-runs the import on the data as it is then: one bad row must
        # roll everything back there too (the library only does so for the dry run).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:  # a bug or an exhausted machine: said in Chinese, logged, the upload dropped
            logger.warning("import file could not be read", exc_info=e)
            form.add_error("import_file", str(msg.MSG_IMPORT_FAILED))

    # --- the import views --------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        purge_stale_import_files()
        upload = request.FILES.get("import_file")
        try:
            response = super().import_action(request, **kwargs)
        except BaseException:
            name = getattr(upload, "tmp_storage_name", None)
            if name:
                ImportTempStorage(name=name).remove()  # never left behind, even by a crash
            raise
        context = getattr(response, "context_data", None) or {}
        name = getattr(upload, "tmp_storage_name", None)
        if name and context.get("confirm_form") is not None:
            WAITING.remember(request, name)
        elif name:
            ImportTempStorage(name=name).remove()  # nothing to confirm: drop it now
        self._add_error_lines(context)
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        storage = ImportTempStorage(name=name)
        if name not in WAITING.names(request) or not storage.exists():
            return self._import_page(request, errors=[str(msg.MSG_IMPORT_EXPIRED)])
        WAITING.forget(request, name)
        request.import_sha256 = file_sha256(storage.path())
        try:
            return super().process_import(request, **kwargs)
        finally:
            storage.remove()

    def process_result(self, result, request):
        failed = result.has_errors() or result.has_validation_errors()
        import_audit(
            request,
            self.model,
            sha256=getattr(request, "import_sha256", ""),
            rows=import_rows(result),
            written=not failed,
        )
        if failed:
            # Rolled back (errors, or data changed since the preview): say why, not "done".
            return self._import_page(request, result=result)
        return super().process_result(result, request)

    def _import_page(self, request, result=None, errors=None) -> TemplateResponse:
        form_class = self.get_import_form_class(request)
        resources = self.get_import_resource_classes(request)
        form = form_class(self.get_import_formats(), resources)
        resource_kwargs = self.get_import_resource_kwargs(request)
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "import_error_display": self.import_error_display,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [f.column_name for f in resource(**resource_kwargs).get_user_visible_fields()],
                )
                for resource in resources
            ],
        }
        self._add_error_lines(context)
        if errors:
            context["import_errors"] = errors + context.get("import_errors", [])
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @staticmethod
    def _add_error_lines(context) -> None:
        result = context.get("result")
        if result is not None:
            context["import_errors"] = import_error_lines(result)

    # --- the import template -----------------------------------------------------------------

    def get_urls(self):
        info = self.get_model_info()
        urls = [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            )
        ]
        return urls + super().get_urls()

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )
        response = HttpResponse(import_template_bytes(resource), content_type=XLSX_CONTENT_TYPE)
        filename = f"{self.model._meta.model_name}-import-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
