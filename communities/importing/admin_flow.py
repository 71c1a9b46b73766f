"""An import of many records from one file, on a model's admin list: upload → preview → confirm.

For imports that are not one row per model (a screening ledger of dispute cases, watch groups
with their households): the app's import function checks the whole file and writes through its
services, all or nothing, and this mixin gives it the pages.

The preview runs the whole import and rolls it back; the file then waits in the register's
private import folder, tied to the session that uploaded it, and the confirmation runs the
import again on the data as it is by then: one bad row, and nothing is written. The
confirmation is recorded in the audit trail with the file's SHA-256. Only users with
``import_permission`` reach these pages.

A subclass sets the attributes below and implements ``run_file_import`` (returning a result
with ``ok``, ``committed``, ``rows`` (each with ``preview()``) and ``error_lines()``),
``file_import_template_bytes`` and ``imported_message``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from communities.exporting import XLSX_CONTENT_TYPE
from communities.importing import messages as msg
from communities.importing.audit import import_audit
from communities.importing.storage import ImportTempStorage, purge_stale_import_files
from communities.importing.uploads import ImportFileSizeMixin, WaitingImports
from communities.uploads import file_sha256


class FileUploadForm(ImportFileSizeMixin, forms.Form):
    import_file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = label


class FileImportMixin:
    """Adds ``import/``, ``import/confirm/`` and ``import-template/`` to a ModelAdmin."""

    import_permission: str = ""
    import_page_template: str = ""
    import_title = ""
    import_file_label = ""
    import_template_filename = "import-template.xlsx"
    import_html_id = "import"  # the page's element ids: ``<id>-upload``, ``-preview``, ``-confirm``
    import_waiting: WaitingImports
    preview_headers: list[str] = []

    def run_file_import(self, *, user, data: bytes, commit: bool):  # pragma: no cover
        raise NotImplementedError

    def file_import_template_bytes(self, user) -> bytes:  # pragma: no cover
        raise NotImplementedError

    def imported_message(self, result) -> str:  # pragma: no cover
        raise NotImplementedError

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(self.import_permission)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        urls = [
            path("import/", view(self.file_import_view), name="{}_{}_import".format(*info)),
            path(
                "import/confirm/",
                view(self.file_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            path(
                "import-template/",
                view(self.file_template_view),
                name="{}_{}_import_template".format(*info),
            ),
        ]
        return urls + super().get_urls()

    def _require_import(self, request) -> None:
        if not self.has_import_permission(request):
            raise PermissionDenied

    def _upload_form(self, data=None, files=None) -> FileUploadForm:
        return FileUploadForm(data, files, label=self.import_file_label)

    def _import_page(self, request, form, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_title,
            "opts": self.opts,
            "import_id": self.import_html_id,
            "form": form,
            "media": self.media + form.media,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_page_template, context)

    def file_import_view(self, request):
        """Upload and preview: nothing is written, every problem is listed."""
        self._require_import(request)
        purge_stale_import_files()
        if request.method != "POST":
            return self._import_page(request, self._upload_form())
        form = self._upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, form)
        data = form.cleaned_data["import_file"].read()
        result = self.run_file_import(user=request.user, data=data, commit=False)
        if not result.ok:
            return self._import_page(request, form, errors=result.error_lines())
        storage = ImportTempStorage()
        storage.save(data)
        self.import_waiting.remember(request, storage.name)
        return self._import_page(
            request,
            self._upload_form(),
            preview=[row.preview() for row in result.rows],
            preview_headers=self.preview_headers,
            import_file_name=storage.name,
        )

    @method_decorator(require_POST)
    def file_confirm_view(self, request):
        """Confirm: the import runs again, for real; one bad row and nothing is written."""
        self._require_import(request)
        name = request.POST.get("import_file_name", "")
        storage = ImportTempStorage(name=name)
        if name not in self.import_waiting.names(request) or not storage.exists():
            return self._import_page(
                request, self._upload_form(), errors=[str(msg.MSG_IMPORT_EXPIRED)]
            )
        self.import_waiting.forget(request, name)
        try:
            sha256 = file_sha256(storage.path())
            result = self.run_file_import(user=request.user, data=storage.read(), commit=True)
        finally:
            storage.remove()
        import_audit(
            request,
            self.model,
            sha256=sha256,
            rows={"new": len(result.rows) if result.committed else 0},
            written=result.committed,
        )
        if not result.committed:
            return self._import_page(request, self._upload_form(), errors=result.error_lines())
        self.message_user(request, self.imported_message(result), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def file_template_view(self, request):
        self._require_import(request)
        response = HttpResponse(
            self.file_import_template_bytes(request.user), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{self.import_template_filename}"'
        return response
