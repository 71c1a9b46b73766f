"""The screening-ledger import on the dispute cases' admin list: upload → preview → confirm.

The preview runs the whole import and rolls it back (``disputes.importing``); the file then
waits in the register's private import folder, tied to the session that uploaded it, and the
confirmation runs the import again on the data as it is by then: one bad row, and nothing is
written. Only users with ``disputes.import_disputecase`` reach these pages.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from communities.exporting import XLSX_CONTENT_TYPE
from communities.importing import messages as msg
from communities.importing.audit import import_audit
from communities.importing.storage import ImportTempStorage, purge_stale_import_files
from communities.importing.uploads import ImportFileSizeMixin, WaitingImports
from communities.uploads import file_sha256
from disputes import resources as r
from disputes.importing import IMPORT_PERMISSION, ledger_import, ledger_template_bytes

WAITING = WaitingImports("dispute_ledger_files")
TEMPLATE_NAME = "admin/disputes/disputecase/import.html"

# The preview's columns are the ledger's own (the file format, hence Chinese).
PREVIEW_HEADERS = [
    r.COMPOUND,
    r.CATEGORY,
    r.SOURCE,
    r.LEVEL,
    r.REGISTERED_ON,
    r.DESCRIPTION,
    r.AMOUNT,
    f"{r.APPLICANT}/{r.RESPONDENT}",
]

MSG_IMPORTED = _("%(count)d dispute cases were registered from the ledger: %(numbers)s.")


class LedgerUploadForm(ImportFileSizeMixin, forms.Form):
    import_file = forms.FileField(
        label=_("Screening ledger (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class LedgerImportMixin:
    """Adds ``import/``, ``import/confirm/`` and ``import-template/`` to a ModelAdmin."""

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        urls = [
            path("import/", view(self.ledger_import_view), name="{}_{}_import".format(*info)),
            path(
                "import/confirm/",
                view(self.ledger_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            path(
                "import-template/",
                view(self.ledger_template_view),
                name="{}_{}_import_template".format(*info),
            ),
        ]
        return urls + super().get_urls()

    def _require_import(self, request) -> None:
        if not self.has_import_permission(request):
            raise PermissionDenied

    def _ledger_page(self, request, form, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a screening ledger"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, TEMPLATE_NAME, context)

    def ledger_import_view(self, request):
        """Upload and preview: nothing is written, every problem is listed."""
        self._require_import(request)
        purge_stale_import_files()
        if request.method != "POST":
            return self._ledger_page(request, LedgerUploadForm())
        form = LedgerUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._ledger_page(request, form)
        data = form.cleaned_data["import_file"].read()
        result = ledger_import(user=request.user, data=data, commit=False)
        if not result.ok:
            return self._ledger_page(request, form, errors=result.error_lines())
        storage = ImportTempStorage()
        storage.save(data)
        WAITING.remember(request, storage.name)
        return self._ledger_page(
            request,
            LedgerUploadForm(),
            preview=[row.preview() for row in result.rows],
            preview_headers=PREVIEW_HEADERS,
            import_file_name=storage.name,
        )

    @method_decorator(require_POST)
    def ledger_confirm_view(self, request):
        """Confirm: the import runs again, for real; one bad row and nothing is written."""
        self._require_import(request)
        name = request.POST.get("import_file_name", "")
        storage = ImportTempStorage(name=name)
        if name not in WAITING.names(request) or not storage.exists():
            return self._ledger_page(
                request, LedgerUploadForm(), errors=[str(msg.MSG_IMPORT_EXPIRED)]
            )
        WAITING.forget(request, name)
        try:
            sha256 = file_sha256(storage.path())
            result = ledger_import(user=request.user, data=storage.read(), commit=True)
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
            return self._ledger_page(request, LedgerUploadForm(), errors=result.error_lines())
        self.message_user(
            request,
            MSG_IMPORTED % {"count": len(result.rows), "numbers": "、".join(result.case_numbers)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def ledger_template_view(self, request):
        self._require_import(request)
        response = HttpResponse(ledger_template_bytes(request.user), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="dispute-ledger-template.xlsx"'
        return response
